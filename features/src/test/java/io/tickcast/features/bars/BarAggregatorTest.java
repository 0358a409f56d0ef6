package io.tickcast.features.bars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tickcast.features.validation.Violation;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Trade;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class BarAggregatorTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final LocalDate DAY = LocalDate.of(2013, 10, 7);
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final String REGULAR = "1";
  private static final String SWEEP = "20000020";

  private long sequence;

  private static Instant at(LocalDate day, String time) {
    return day.atTime(LocalTime.parse(time)).atZone(NEW_YORK).toInstant();
  }

  private static Instant at(String time) {
    return at(DAY, time);
  }

  private Trade trade(Instant time, double price, long size, String condition) {
    return new Trade("SPY", time, price, size, ++sequence, "P", condition);
  }

  private Trade trade(String time, double price, long size) {
    return trade(at(time), price, size, REGULAR);
  }

  private Trade sweep(String time, double price, long size) {
    return trade(at(time), price, size, SWEEP);
  }

  private static BarAggregator minuteBars(SaleConditionFilter conditions) {
    return new BarAggregator("SPY", MINUTE, Session.REGULAR, Duration.ofSeconds(2), conditions);
  }

  private static BarAggregator bars(Duration interval, Session session) {
    return new BarAggregator("SPY", interval, session, Duration.ZERO, SaleConditionFilter.ALL);
  }

  @Test
  void aTradeOfALaterIntervalClosesTheClockAlignedBar() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALL);
    assertThat(bars.onTrade(trade("09:30:00.500", 10.0, 100)).closedBar()).isEmpty();
    assertThat(bars.onTrade(trade("09:30:20", 11.0, 200)).closedBar()).isEmpty();
    assertThat(bars.onTrade(trade("09:30:59.999", 9.0, 300)).closedBar()).isEmpty();
    assertThat(bars.openBar().orElseThrow().bar().close()).isEqualTo(9.0);

    BarAggregator.Outcome outcome = bars.onTrade(trade("09:31:00", 10.5, 50));

    assertThat(outcome.applied()).isTrue();
    ClosedBar closed = outcome.closedBar().orElseThrow();
    assertThat(closed.bar())
        .isEqualTo(new Bar("SPY", at("09:30"), MINUTE, 10.0, 11.0, 9.0, 9.0, 9.0, 600));
    assertThat(closed.vwap()).isEqualTo((10.0 * 100 + 11.0 * 200 + 9.0 * 300) / 600);
    assertThat(closed.tradeCount()).isEqualTo(3);
    assertThat(closed.firstSequence()).isEqualTo(1);
    assertThat(closed.lastSequence()).isEqualTo(3);
    OpenBar open = bars.openBar().orElseThrow();
    assertThat(open.bar().start()).isEqualTo(at("09:31"));
    assertThat(open.firstSequence()).isEqualTo(4);
    assertThat(bars.firstUnclosedSequence()).hasValue(4);
  }

  @Test
  void theWatermarkClosesAQuietTickersBar() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALL);
    bars.onTrade(trade("10:00:05", 20.0, 100));

    assertThat(bars.advanceWatermark(at("10:00:59.999"))).isEmpty();
    ClosedBar closed = bars.advanceWatermark(at("10:01")).orElseThrow();

    assertThat(closed.bar().start()).isEqualTo(at("10:00"));
    assertThat(closed.bar().volume()).isEqualTo(100);
    assertThat(bars.openBar()).isEmpty();
    assertThat(bars.firstUnclosedSequence()).isEmpty();
    assertThat(bars.advanceWatermark(at("10:30"))).isEmpty();
  }

  @Test
  void theWatermarkNeverGoesBackwards() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALL);
    bars.advanceWatermark(at("10:05"));
    bars.advanceWatermark(at("10:00"));

    Violation late = bars.onTrade(trade("10:04:57", 20.0, 100)).violation().orElseThrow();

    assertThat(late.detail()).contains("behind the watermark 2013-10-07T14:05:00Z");
  }

  @Test
  void lateTradesAreNotAppliedButReturnedWithTheirReasonAndCounted() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALL);
    bars.onTrade(trade("10:00:10", 20.0, 100));
    bars.onTrade(trade("10:01:10", 21.0, 100));
    BarAggregator.Memento before = bars.memento();

    BarAggregator.Outcome outcome = bars.onTrade(trade("10:00:50", 22.0, 100));

    assertThat(outcome.applied()).isFalse();
    assertThat(outcome.closedBar()).isEmpty();
    Violation violation = outcome.violation().orElseThrow();
    assertThat(violation.rule()).isEqualTo("late");
    assertThat(violation.detail()).contains("SPY #3", "closed at 2013-10-07T14:01:00Z");
    assertThat(bars.lateTrades()).isEqualTo(1);
    assertThat(bars.memento()).isEqualTo(withLate(before, 1));
  }

  @Test
  void tradesWithinTheAllowedLatenessBehindTheWatermarkAreStillApplied() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALL);
    bars.advanceWatermark(at("10:05"));

    assertThat(bars.onTrade(trade("10:04:57.999", 20.0, 100)).violation().orElseThrow().rule())
        .isEqualTo("late");
    assertThat(bars.onTrade(trade("10:04:58", 20.0, 100)).applied()).isTrue();
    assertThat(bars.advanceWatermark(at("10:05")).orElseThrow().bar().start()).isEqualTo(at("10:04"));
    assertThat(bars.lateTrades()).isEqualTo(1);
  }

  @Test
  void aTradeOfAnOlderIntervalThanTheLatestIsLateEvenWhileItsBarIsOpen() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALGOSEEK);
    bars.onTrade(trade("10:00:10", 20.0, 100));
    bars.onTrade(sweep("10:02:10", 20.0, 100));

    assertThat(bars.onTrade(trade("10:01:30", 20.0, 100)).violation().orElseThrow().detail())
        .contains("older than the latest interval");
    assertThat(bars.onTrade(trade("10:00:40", 19.0, 100)).applied()).isTrue();
    assertThat(bars.openBar().orElseThrow().bar().low()).isEqualTo(19.0);
  }

  @Test
  void tradesOutsideTheSessionAreRejected() {
    BarAggregator regular = minuteBars(SaleConditionFilter.ALL);
    assertThat(regular.onTrade(trade("09:29:59.999", 20.0, 1)).violation().orElseThrow().rule())
        .isEqualTo("outside-session");
    assertThat(regular.onTrade(trade("09:30", 20.0, 1)).applied()).isTrue();
    assertThat(regular.onTrade(trade("15:59:59.999", 20.0, 1)).applied()).isTrue();
    assertThat(regular.onTrade(trade("16:00", 20.0, 1)).violation().orElseThrow().detail())
        .contains("outside the REGULAR session");
    assertThat(regular.outsideSessionTrades()).isEqualTo(2);

    BarAggregator extended = bars(MINUTE, Session.EXTENDED);
    assertThat(extended.onTrade(trade("03:59:59.999", 20.0, 1)).applied()).isFalse();
    assertThat(extended.onTrade(trade("04:00", 20.0, 1)).applied()).isTrue();
    assertThat(extended.onTrade(trade("19:59:59.999", 20.0, 1)).applied()).isTrue();
    assertThat(extended.onTrade(trade("20:00", 20.0, 1)).applied()).isFalse();
    assertThat(extended.outsideSessionTrades()).isEqualTo(2);
  }

  @Test
  void fiveMinuteBarsAlignToTheNewYorkClockAlsoInWinterTime() {
    BarAggregator bars = bars(Duration.ofMinutes(5), Session.REGULAR);
    LocalDate winter = LocalDate.of(2013, 11, 4);
    bars.onTrade(trade(at(winter, "09:33:20"), 20.0, 1, REGULAR));

    assertThat(bars.openBar().orElseThrow().bar().start())
        .isEqualTo(Instant.parse("2013-11-04T14:30:00Z"));
    assertThat(bars.advanceWatermark(at(winter, "09:34:59.999"))).isEmpty();
    assertThat(bars.advanceWatermark(at(winter, "09:35")).orElseThrow().bar().end())
        .isEqualTo(Instant.parse("2013-11-04T14:35:00Z"));
  }

  @Test
  void aDailyBarIsTheSessionDayStampedAtMidnightUtcAndClosesAtTheSessionClose() {
    BarAggregator bars = bars(Duration.ofDays(1), Session.REGULAR);
    bars.onTrade(trade("09:31", 20.0, 100));
    bars.onTrade(trade("15:59:59", 21.0, 100));

    assertThat(bars.advanceWatermark(at("15:59:59.999"))).isEmpty();
    Bar day = bars.advanceWatermark(at("16:00")).orElseThrow().bar();

    assertThat(day)
        .isEqualTo(
            new Bar("SPY", Instant.parse("2013-10-07T00:00:00Z"), Duration.ofDays(1),
                20.0, 21.0, 20.0, 21.0, 21.0, 200));
    bars.onTrade(trade(at(DAY.plusDays(1), "09:30"), 22.0, 100, REGULAR));
    BarAggregator.Outcome nextDay = bars.onTrade(trade(at(DAY.plusDays(2), "09:30"), 23.0, 100, REGULAR));
    assertThat(nextDay.closedBar().orElseThrow().bar().start())
        .isEqualTo(Instant.parse("2013-10-08T00:00:00Z"));
  }

  @Test
  void volumeOnlyTradesJoinTheBarTheirIntervalOpens() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALGOSEEK);
    bars.onTrade(sweep("10:00:01", 30.0, 500));
    assertThat(bars.openBar()).isEmpty();
    assertThat(bars.firstUnclosedSequence()).hasValue(1);

    bars.onTrade(trade("10:00:02", 20.0, 100));
    bars.onTrade(sweep("10:00:03", 10.0, 200));

    OpenBar open = bars.openBar().orElseThrow();
    assertThat(open.bar()).isEqualTo(new Bar("SPY", at("10:00"), MINUTE, 20.0, 20.0, 20.0, 20.0, 20.0, 800));
    assertThat(open.vwap()).isEqualTo(20.0);
    assertThat(open.tradeCount()).isEqualTo(3);
    assertThat(open.firstSequence()).isEqualTo(1);
    assertThat(open.lastSequence()).isEqualTo(3);
  }

  @Test
  void quietIntervalsAddTheirVolumeToTheLastBarWithAPrice() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALGOSEEK);
    bars.onTrade(trade("10:00:10", 20.0, 100));
    assertThat(bars.onTrade(sweep("10:01:10", 21.0, 10)).closedBar()).isEmpty();
    assertThat(bars.onTrade(sweep("10:02:10", 22.0, 20)).closedBar()).isEmpty();
    assertThat(bars.advanceWatermark(at("10:02:30"))).as("waits for 10:02 to end").isEmpty();

    ClosedBar closed = bars.onTrade(trade("10:03:05", 23.0, 100)).closedBar().orElseThrow();

    assertThat(closed.bar())
        .isEqualTo(new Bar("SPY", at("10:00"), MINUTE, 20.0, 20.0, 20.0, 20.0, 20.0, 130));
    assertThat(closed.tradeCount()).isEqualTo(3);
    assertThat(closed.lastSequence()).isEqualTo(3);
    assertThat(bars.openBar().orElseThrow().firstSequence()).isEqualTo(4);
  }

  @Test
  void theWatermarkClosesABarOnceTheQuietIntervalAfterItHasEnded() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALGOSEEK);
    bars.onTrade(trade("10:00:10", 20.0, 100));
    bars.onTrade(sweep("10:01:10", 21.0, 10));

    assertThat(bars.advanceWatermark(at("10:01"))).isEmpty();
    ClosedBar closed = bars.advanceWatermark(at("10:02")).orElseThrow();

    assertThat(closed.bar().volume()).isEqualTo(110);
    assertThat(closed.lastSequence()).isEqualTo(2);
    assertThat(bars.firstUnclosedSequence()).isEmpty();
    assertThat(bars.onTrade(sweep("10:01:50", 21.0, 10)).violation().orElseThrow().rule()).isEqualTo("late");
  }

  @Test
  void volumeWithoutAnyBarBeforeItIsCountedAsUnpriced() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALGOSEEK);
    bars.onTrade(sweep("10:00:10", 21.0, 10));
    bars.onTrade(sweep("10:00:20", 21.0, 15));

    bars.onTrade(trade("10:01:05", 20.0, 100));

    assertThat(bars.unpricedTrades()).isEqualTo(2);
    assertThat(bars.unpricedVolume()).isEqualTo(25);
    assertThat(bars.openBar().orElseThrow().bar().volume()).isEqualTo(100);
  }

  @Test
  void officialReportsAreHeldInTheBarWithoutVolume() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALGOSEEK);
    bars.onTrade(trade("09:30:00.100", 20.0, 100));
    bars.onTrade(trade(at("09:30:00.800"), 20.5, 251_288, "4000000"));

    OpenBar open = bars.openBar().orElseThrow();
    assertThat(open.bar().volume()).isEqualTo(100);
    assertThat(open.bar().high()).isEqualTo(20.0);
    assertThat(open.tradeCount()).isEqualTo(2);
  }

  @Test
  void refusesTradesThatAreNotThisTickersOrNotValidated() {
    BarAggregator bars = minuteBars(SaleConditionFilter.ALL);
    assertThatThrownBy(() -> bars.onTrade(new Trade("IBM", at("10:00"), 1.0, 1, 1, "N", "")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bars.onTrade(trade("10:00", Double.NaN, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> bars.onTrade(trade("10:00", 1.0, 0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(bars.memento()).isEqualTo(minuteBars(SaleConditionFilter.ALL).memento());
  }

  @Test
  void refusesIntervalsThatDoNotDivideADay() {
    Duration[] intervals = {
      Duration.ZERO, Duration.ofMillis(7), Duration.ofNanos(1500), Duration.ofDays(2), Duration.ofMinutes(-1)
    };
    for (Duration interval : intervals) {
      assertThatThrownBy(() -> bars(interval, Session.REGULAR))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static BarAggregator.Memento withLate(BarAggregator.Memento m, long late) {
    return new BarAggregator.Memento(
        m.ticker(), m.intervalMillis(), m.session(), m.allowedLatenessMillis(), m.conditions(),
        m.watermarkMillis(), m.closedUntilMillis(), m.latestStartMillis(), m.open(), m.pending(),
        late, m.outsideSessionTrades(), m.unpricedTrades(), m.unpricedVolume());
  }
}
