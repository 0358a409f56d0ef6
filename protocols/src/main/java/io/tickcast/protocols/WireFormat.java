package io.tickcast.protocols;

import java.util.Locale;

/**
 * How a {@link MarketEvent} is written into a Kafka record value. Consumers read both: {@link
 * MarketEventCodec#decode} tells them apart by the first byte, so a topic may hold a mix (records
 * written before a producer switched format stay readable).
 */
public enum WireFormat {
  /**
   * JSON with a {@code "type"} discriminator and ISO-8601 instants ({@link Json#MAPPER}): readable
   * with any tool, about three times larger and several times slower to decode than {@link
   * #BINARY}.
   */
  JSON,
  /** The versioned fixed-layout binary form of {@link BinaryMarketEventCodec}: the default. */
  BINARY;

  /** What producers write unless told otherwise. */
  public static final WireFormat DEFAULT = BINARY;

  /** {@code json} or {@code binary}, any case. */
  public static WireFormat parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("wire format must be json or binary, got '" + name + "'", e);
    }
  }

  /** The format a record value is written in, by its first byte (JSON for anything not binary). */
  public static WireFormat of(byte[] value) {
    return value != null && value.length > 0 && value[0] == BinaryMarketEventCodec.MAGIC ? BINARY : JSON;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
