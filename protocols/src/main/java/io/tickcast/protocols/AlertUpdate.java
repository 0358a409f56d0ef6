package io.tickcast.protocols;

import java.time.Instant;

/**
 * A watch's condition became true (SSE event {@code alert}); the same document is POSTed to the
 * watch's webhook.
 *
 * @param sequenceNr the entity's sequence number of the event that recorded the alert
 * @param alertId unique and stable across redeliveries: receivers de-duplicate on it (it is also
 *     the webhook request's {@code Idempotency-Key})
 * @param value the value that crossed the condition's level
 * @param asOf start of the bar the value belongs to
 */
public record AlertUpdate(
    String ticker,
    long sequenceNr,
    String alertId,
    String watchId,
    String owner,
    WatchCondition condition,
    double value,
    Instant asOf,
    Instant firedAt)
    implements TickerUpdate {

  @Override
  public String eventType() {
    return "alert";
  }
}
