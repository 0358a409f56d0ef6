package io.tickcast.protocols;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;

/**
 * The wire formats of the Kafka topic {@code ticks}: one {@link MarketEvent} per record, keyed by
 * ticker, written as {@link WireFormat#BINARY} ({@link BinaryMarketEventCodec}, the default of the
 * producers) or {@link WireFormat#JSON}. {@link #decode} reads either, telling them apart by the
 * first byte: {@link BinaryMarketEventCodec#MAGIC} starts a binary record, anything else is read
 * as JSON. Decoding never throws anything but {@link MalformedRecordException}, whose message says
 * what was wrong, so a consumer can count and quarantine the record and go on.
 */
public final class MarketEventCodec {

  // Resolved once: looking the type up per record is measurable on the ingest path.
  private static final ObjectReader READER = Json.MAPPER.readerFor(MarketEvent.class);
  private static final ObjectWriter WRITER = Json.MAPPER.writerFor(MarketEvent.class);

  private MarketEventCodec() {}

  /** The JSON form (readable by any tool); producers use {@link #encode(MarketEvent, WireFormat)}. */
  public static byte[] encode(MarketEvent event) {
    return encode(event, WireFormat.JSON);
  }

  public static byte[] encode(MarketEvent event, WireFormat format) {
    if (format == WireFormat.BINARY) {
      return BinaryMarketEventCodec.encode(event);
    }
    try {
      return WRITER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + event, e);
    }
  }

  /** Decodes a record of either format. */
  public static MarketEvent decode(byte[] bytes) throws MalformedRecordException {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedRecordException("empty record");
    }
    if (bytes[0] == BinaryMarketEventCodec.MAGIC) {
      try {
        return BinaryMarketEventCodec.decode(bytes);
      } catch (RuntimeException e) {
        // Not expected (every read is checked), but a record must never stop the consumer.
        throw new MalformedRecordException("unreadable binary record: " + e);
      }
    }
    return decodeJson(bytes);
  }

  private static MarketEvent decodeJson(byte[] bytes) throws MalformedRecordException {
    try {
      MarketEvent event = READER.readValue(bytes);
      if (event == null) {
        throw new MalformedRecordException("record is JSON null");
      }
      return event;
    } catch (IOException e) {
      throw new MalformedRecordException("not a valid market event: " + firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      throw new MalformedRecordException("not a valid market event: " + firstLine(String.valueOf(e)));
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
