package io.tickcast.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.actors.WatchTrigger.Decision;
import io.tickcast.actors.WatchTrigger.Fire;
import io.tickcast.actors.WatchTrigger.Rearm;
import io.tickcast.actors.WatchTrigger.Unchanged;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.WatchCondition;
import io.tickcast.protocols.WatchCondition.Direction;
import io.tickcast.protocols.WatchCondition.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The crossing rule on its own: a sequence of prices through a watch, as the entity feeds it. */
class WatchTriggerTest {

  private static final WatchCondition ABOVE_100 = new WatchCondition.PriceCross(Direction.ABOVE, 100);
  private static final Instant T0 = Instant.parse("2024-03-01T14:30:00Z");

  /** The watch's state between evaluations, updated as the entity's events would. */
  private boolean holding;
  private Instant lastAlertAt;

  private Decision step(double price, Instant now, Duration cooldown) {
    Bar bar = new Bar("AAPL", now, Duration.ofMinutes(1), price, price, price, price, price, 1);
    Decision d = WatchTrigger.decide(ABOVE_100, new Observation(bar, Map.of(), null), holding, lastAlertAt, cooldown, now);
    if (d instanceof Fire) {
      holding = true;
      lastAlertAt = now;
    } else if (d instanceof Rearm) {
      holding = false;
    }
    return d;
  }

  /** Feeds one price a minute; returns the prices at which an alert fired. */
  private List<Double> run(Duration cooldown, double... prices) {
    List<Double> fired = new ArrayList<>();
    for (int i = 0; i < prices.length; i++) {
      if (step(prices[i], T0.plus(Duration.ofMinutes(i)), cooldown) instanceof Fire f) {
        fired.add(f.value());
      }
    }
    return fired;
  }

  @Test
  void firesOncePerCrossingNotWhileTheConditionHolds() {
    assertThat(run(Duration.ZERO, 98, 99, 101, 102, 105, 99, 100, 103, 104)).containsExactly(101.0, 103.0);
  }

  @Test
  void reportsTheTransitions() {
    assertThat(step(99, T0, Duration.ZERO)).isInstanceOf(Unchanged.class);
    assertThat(step(101, T0, Duration.ZERO)).isEqualTo(new Fire(101));
    assertThat(step(102, T0, Duration.ZERO)).isInstanceOf(Unchanged.class);
    assertThat(step(100, T0, Duration.ZERO)).isInstanceOf(Rearm.class); // strictly above: 100 is not
    assertThat(step(100, T0, Duration.ZERO)).isInstanceOf(Unchanged.class);
  }

  @Test
  void aConditionThatHeldWhenTheWatchWasCreatedWaitsForTheNextCrossing() {
    holding = true;
    assertThat(run(Duration.ZERO, 105, 104, 99, 101)).containsExactly(101.0);
  }

  @Test
  void aCrossingWithinTheCooldownIsDeferredUntilItEnds() {
    // Minutes 0..7: fires at 2, crosses again at 4 (cooldown until 7) and still holds at 7.
    assertThat(run(Duration.ofMinutes(5), 99, 99, 101, 99, 102, 103, 104, 105)).containsExactly(101.0, 105.0);
  }

  @Test
  void aCrossingThatEndsWithinTheCooldownIsDropped() {
    assertThat(run(Duration.ofMinutes(5), 99, 101, 99, 102, 99, 99, 99, 99)).containsExactly(101.0);
  }

  @Test
  void aMissingValueDoesNotHoldSoItRearms() {
    Decision d = WatchTrigger.decide(
        new WatchCondition.PredictedReturn(Direction.ABOVE, 0), new Observation(null, Map.of(), null), true, T0, Duration.ZERO, T0);
    assertThat(d).isInstanceOf(Rearm.class);
  }
}
