package io.tickcast.actors;

import io.tickcast.protocols.WatchCondition;
import io.tickcast.protocols.WatchCondition.Observation;
import java.time.Duration;
import java.time.Instant;

/**
 * When a watch alerts: edge-triggered, so once per crossing. An alert fires when the condition
 * holds and did not hold at the previous evaluation; the watch then waits for the condition to
 * stop holding (it re-arms) before it can fire again. A crossing within the cooldown after the
 * last alert is not lost but deferred: the watch stays armed and fires at the first evaluation
 * after the cooldown at which the condition still holds.
 */
public final class WatchTrigger {

  private WatchTrigger() {}

  public sealed interface Decision {}

  /** The condition became true: alert with the value that crossed. */
  public record Fire(double value) implements Decision {}

  /** The condition stopped holding: the next crossing may fire. */
  public record Rearm() implements Decision {}

  /** Nothing changes. */
  public record Unchanged() implements Decision {}

  private static final Rearm REARM = new Rearm();
  private static final Unchanged UNCHANGED = new Unchanged();

  /**
   * @param holding whether the condition held at the previous evaluation
   * @param lastAlertAt when the watch last fired (null: never)
   */
  public static Decision decide(
      WatchCondition condition, Observation observation, boolean holding, Instant lastAlertAt, Duration cooldown, Instant now) {
    boolean holds = condition.holds(observation);
    if (holds && !holding) {
      boolean coolingDown = lastAlertAt != null && now.isBefore(lastAlertAt.plus(cooldown));
      return coolingDown ? UNCHANGED : new Fire(condition.valueIn(observation));
    }
    return !holds && holding ? REARM : UNCHANGED;
  }
}
