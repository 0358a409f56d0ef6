package io.tickcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tickcast.protocols.Trade;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The pacing computation, checked against an explicit schedule: no wall clock involved. */
class PacingTest {

  private static final Instant T0 = Instant.parse("2013-10-07T13:30:00Z");

  @Test
  void atNTimesSpeedEachEventIsDueAtItsEventTimeOffsetDividedByN() {
    Pacing.Schedule schedule = Pacing.times(4).schedule();

    assertThat(schedule.dueNanos(T0)).isZero();
    assertThat(schedule.dueNanos(T0)).isZero(); // same instant: no wait
    assertThat(schedule.dueNanos(T0.plusMillis(1))).isEqualTo(250_000);
    assertThat(schedule.dueNanos(T0.plusSeconds(2))).isEqualTo(500_000_000);
    assertThat(schedule.dueNanos(T0.plusSeconds(60))).isEqualTo(15_000_000_000L);
  }

  @Test
  void realTimeReproducesGapsAndAnEarlierEventIsDueAtOnce() {
    Pacing.Schedule schedule = Pacing.REAL_TIME.schedule();

    assertThat(schedule.dueNanos(T0)).isZero();
    assertThat(schedule.dueNanos(T0.plusMillis(1500))).isEqualTo(1_500_000_000L);
    assertThat(schedule.dueNanos(T0.plusMillis(1000))).isEqualTo(1_500_000_000L);
    assertThat(schedule.dueNanos(T0.plusMillis(1600))).isEqualTo(1_600_000_000L);
  }

  @Test
  void gapsLongerThanMaxGapShrinkSoNightsDoNotStallAMultiDayReplay() {
    Pacing.Schedule schedule = Pacing.times(10).withMaxGap(Duration.ofSeconds(1)).schedule();

    assertThat(schedule.dueNanos(T0)).isZero();
    assertThat(schedule.dueNanos(T0.plusMillis(500))).isEqualTo(50_000_000);
    assertThat(schedule.dueNanos(T0.plus(Duration.ofHours(18)))).isEqualTo(150_000_000); // + 1 s / 10
    assertThat(schedule.dueNanos(T0.plus(Duration.ofHours(18)).plusSeconds(2))).isEqualTo(250_000_000);
  }

  @Test
  void aFullIbmSessionAt60xIsScheduledOverItsEventSpanOver60() throws IOException {
    TickFile file = TickData.tickFile("IBM", "20131007");
    Pacing.Schedule schedule = Pacing.times(60).schedule();
    Instant first = null;
    Instant last = null;
    long previousDue = 0;
    try (TickReader reader = file.open(TradingSession.REGULAR, new ReplayTally())) {
      for (Trade trade = reader.next(); trade != null; trade = reader.next()) {
        long due = schedule.dueNanos(trade.time());
        assertThat(due).isGreaterThanOrEqualTo(previousDue);
        previousDue = due;
        first = first == null ? trade.time() : first;
        last = trade.time();
      }
    }

    // 09:30:00 to 15:59:59 of event time is about 6.5 h: 6.5 minutes at 60x.
    long expected = Duration.between(first, last).toNanos() / 60;
    assertThat(previousDue).isBetween(expected - 1, expected + 1);
    assertThat(Duration.ofNanos(previousDue)).isBetween(Duration.ofMinutes(6), Duration.ofMinutes(7));
  }

  @Test
  void parsesTheCommandLineForms() {
    assertThat(Pacing.parse("max")).isEqualTo(Pacing.UNPACED);
    assertThat(Pacing.parse("real")).isEqualTo(Pacing.REAL_TIME);
    assertThat(Pacing.parse("60x")).isEqualTo(Pacing.times(60));
    assertThat(Pacing.parse(" 0.5X ")).isEqualTo(Pacing.times(0.5));
    assertThat(Pacing.UNPACED.paced()).isFalse();
    assertThat(Pacing.REAL_TIME.paced()).isTrue();
    for (String bad : new String[] {"", "fast", "x", "0x", "-2x", "10"}) {
      assertThatThrownBy(() -> Pacing.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
