package io.tickcast.protocols;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;

/**
 * The JSON wire format of the Kafka topic {@code ticks}: one {@link MarketEvent} per record,
 * keyed by ticker. Decoding never throws anything but {@link MalformedRecordException}, whose
 * message says what was wrong, so a consumer can count and quarantine the record and go on.
 */
public final class MarketEventCodec {

  // Resolved once: looking the type up per record is measurable on the ingest path.
  private static final ObjectReader READER = Json.MAPPER.readerFor(MarketEvent.class);
  private static final ObjectWriter WRITER = Json.MAPPER.writerFor(MarketEvent.class);

  private MarketEventCodec() {}

  public static byte[] encode(MarketEvent event) {
    try {
      return WRITER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + event, e);
    }
  }

  public static MarketEvent decode(byte[] bytes) throws MalformedRecordException {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedRecordException("empty record");
    }
    try {
      MarketEvent event = READER.readValue(bytes);
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
