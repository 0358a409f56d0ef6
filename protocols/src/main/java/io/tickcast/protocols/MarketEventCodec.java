package io.tickcast.protocols;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;

/**
 * The JSON wire format of the Kafka topic {@code ticks}: one {@link MarketEvent} per record,
 * keyed by ticker. Decoding never throws anything but {@link MalformedRecordException}, whose
 * message says what was wrong, so a consumer can count and quarantine the record and go on.
 */
public final class MarketEventCodec {

  private MarketEventCodec() {}

  public static byte[] encode(MarketEvent event) {
    try {
      return Json.MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + event, e);
    }
  }

  public static MarketEvent decode(byte[] bytes) throws MalformedRecordException {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedRecordException("empty record");
    }
    try {
      MarketEvent event = Json.MAPPER.readValue(bytes, MarketEvent.class);
      if (event == null) {
        throw new MalformedRecordException("record is JSON null");
      }
      return event;
    } catch (IOException e) {
      throw new MalformedRecordException("not a valid market event: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable JSON";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
