package io.tickcast.protocols;

import java.time.Duration;
import java.time.Instant;

/**
 * A watch with what became of it, as {@code GET /api/v1/watches} shows it.
 *
 * @param conditionHolds whether the condition held at the last evaluation: a watch alerts when
 *     it becomes true, so while this is true the condition must turn false before the next alert
 * @param alerts alerts fired so far
 * @param lastAlertAt when the latest alert fired (null before the first)
 * @param webhook delivery to the webhook (null for a watch without one)
 */
public record WatchView(
    String id,
    String owner,
    String ticker,
    WatchCondition condition,
    Duration cooldown,
    Watch.Delivery delivery,
    Instant createdAt,
    boolean conditionHolds,
    long alerts,
    Instant lastAlertAt,
    WebhookStatus webhook)
    implements CborSerializable {

  /**
   * @param pending alerts not yet delivered, being retried
   * @param delivered alerts the webhook accepted (2xx)
   * @param failed alerts given up on after the last retry
   * @param lastFailure the latest failed attempt (null if none failed)
   */
  public record WebhookStatus(int pending, long delivered, long failed, Instant lastDeliveredAt, DeliveryFailure lastFailure)
      implements CborSerializable {}

  /** @param gaveUp whether this was the last attempt for the alert */
  public record DeliveryFailure(String alertId, int attempt, String reason, Instant at, boolean gaveUp)
      implements CborSerializable {}
}
