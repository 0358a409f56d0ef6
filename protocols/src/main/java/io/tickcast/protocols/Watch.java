package io.tickcast.protocols;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A watch as its owner defined it: alert {@code owner} when {@code condition} becomes true for
 * {@code ticker}, at most once per {@code cooldown}.
 *
 * @param id {@code TICKER~uuid}: the ticker is part of the id, so any node can route a request
 *     for the watch to its ticker's entity without an index
 */
public record Watch(
    String id, String owner, String ticker, WatchCondition condition, Duration cooldown, Delivery delivery, Instant createdAt)
    implements CborSerializable {

  private static final char SEPARATOR = '~';

  /**
   * Where alerts go besides the watch's own record.
   *
   * @param sse pushed on the owner's alert stream
   * @param webhook POSTed to this http(s) URL (null: none)
   */
  public record Delivery(boolean sse, String webhook) implements CborSerializable {}

  public static String newId(String ticker) {
    return ticker + SEPARATOR + UUID.randomUUID().toString().replace("-", "");
  }

  /** The ticker named by a watch id; empty if {@code id} cannot be one. */
  public static Optional<String> tickerOf(String id) {
    int at = id.indexOf(SEPARATOR);
    if (at < 0 || !id.substring(at + 1).matches("[0-9a-f]{32}")) {
      return Optional.empty();
    }
    String ticker = id.substring(0, at);
    return Tickers.isValid(ticker) ? Optional.of(ticker) : Optional.empty();
  }
}
