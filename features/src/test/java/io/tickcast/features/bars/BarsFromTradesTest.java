package io.tickcast.features.bars;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.features.bars.IntradayData.RefBar;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Trade;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bars built from the real SPY prints of 2013-10-07 against the bars shipped with them (same
 * vendor, AlgoSeek via QuantConnect). Every bar matches exactly, OHLC and volume, except the two
 * auction bars, and the test checks that each of those differs exactly as the vendor's auction
 * handling explains (features/README.md, "Bars from trades").
 */
class BarsFromTradesTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final LocalDate DAY = LocalDate.of(2013, 10, 7);
  private static final Instant OPEN = DAY.atTime(9, 30).atZone(NEW_YORK).toInstant();
  private static final Instant CLOSE = DAY.atTime(16, 0).atZone(NEW_YORK).toInstant();

  private static List<Trade> trades;

  @BeforeAll
  static void readTrades() {
    trades = IntradayData.trades("SPY", "20131007");
  }

  @Test
  void oneMinuteBarsMatchTheShippedBarsExceptTheOpeningAndClosingAuctionBars() {
    Map<Instant, ClosedBar> ours = aggregate(Duration.ofMinutes(1));
    Map<Instant, RefBar> shipped = regularSession(IntradayData.bars("minute", "SPY"));
    assertThat(shipped).hasSize(390);
    assertThat(ours.keySet()).containsExactlyElementsOf(shipped.keySet());

    List<Instant> mismatches = mismatches(ours, shipped);
    assertThat(mismatches).containsExactly(OPEN, CLOSE.minusSeconds(60));
    assertThat(390 - mismatches.size()).isEqualTo(388);
    explainOpeningAuction(ours.get(OPEN), shipped.get(OPEN));
    explainClosingAuction(ours.get(CLOSE.minusSeconds(60)), shipped.get(CLOSE.minusSeconds(60)));
  }

  @Test
  void oneSecondBarsMatchTooIncludingVolumeOfIntervalsWithoutAPricedTrade() {
    Map<Instant, ClosedBar> ours = aggregate(Duration.ofSeconds(1));
    Map<Instant, RefBar> shipped = regularSession(IntradayData.bars("second", "SPY"));
    assertThat(shipped).hasSize(14_432);
    assertThat(ours.keySet()).containsExactlyElementsOf(shipped.keySet());

    List<Instant> mismatches = mismatches(ours, shipped);
    assertThat(mismatches).containsExactly(OPEN, CLOSE.minusSeconds(1));
    explainOpeningAuction(ours.get(OPEN), shipped.get(OPEN));
    explainClosingAuction(ours.get(CLOSE.minusSeconds(1)), shipped.get(CLOSE.minusSeconds(1)));
  }

  private static Map<Instant, ClosedBar> aggregate(Duration interval) {
    BarAggregator bars =
        new BarAggregator("SPY", interval, Session.REGULAR, Duration.ZERO, SaleConditionFilter.ALGOSEEK);
    Map<Instant, ClosedBar> closed = new LinkedHashMap<>();
    long outside = 0;
    for (Trade t : trades) {
      BarAggregator.Outcome outcome = bars.onTrade(t);
      outcome.closedBar().ifPresent(b -> closed.put(b.bar().start(), b));
      if (!outcome.applied()) {
        assertThat(outcome.violation().orElseThrow().rule()).isEqualTo("outside-session");
        outside++;
      }
    }
    bars.advanceWatermark(CLOSE).ifPresent(b -> closed.put(b.bar().start(), b));
    assertThat(bars.openBar()).isEmpty();
    assertThat(bars.lateTrades()).isZero();
    assertThat(bars.unpricedTrades()).isZero();
    assertThat(bars.outsideSessionTrades()).isEqualTo(outside).isEqualTo(countOutsideSession());
    return closed;
  }

  private static long countOutsideSession() {
    return trades.stream().filter(t -> t.time().isBefore(OPEN) || !t.time().isBefore(CLOSE)).count();
  }

  private static Map<Instant, RefBar> regularSession(Map<Instant, RefBar> bars) {
    Map<Instant, RefBar> session = new LinkedHashMap<>();
    bars.forEach(
        (start, bar) -> {
          if (!start.isBefore(OPEN) && start.isBefore(CLOSE)) {
            session.put(start, bar);
          }
        });
    return session;
  }

  private static List<Instant> mismatches(Map<Instant, ClosedBar> ours, Map<Instant, RefBar> shipped) {
    List<Instant> differ = new ArrayList<>();
    shipped.forEach(
        (start, ref) -> {
          if (!ref.sameAs(ours.get(start).bar())) {
            differ.add(start);
          }
        });
    return differ;
  }

  /**
   * The vendor lets every opening-auction print (flag 0x40, on NYSE Arca and Nasdaq) widen the
   * first bar's range, but counts only the volume of the first Arca (primary market) print; this
   * aggregator keeps auction prints out of the prices and counts all of their volume.
   */
  private static void explainOpeningAuction(ClosedBar ours, RefBar shipped) {
    Bar bar = ours.bar();
    List<Trade> auction =
        prints(
            t -> !t.time().isBefore(bar.start())
                && t.time().isBefore(bar.end())
                && flagged(t, SaleConditionFilter.OPENING_PRINTS));
    assertThat(auction).isNotEmpty();
    Trade firstPrimary = auction.stream().filter(t -> t.exchange().equals("P")).findFirst().orElseThrow();
    double lowest = auction.stream().mapToDouble(Trade::price).min().orElseThrow();
    double highest = auction.stream().mapToDouble(Trade::price).max().orElseThrow();
    long auctionVolume = auction.stream().mapToLong(Trade::size).sum();

    assertThat(shipped.open()).isEqualTo(bar.open());
    assertThat(shipped.close()).isEqualTo(bar.close());
    assertThat(shipped.low()).isEqualTo(Math.min(bar.low(), lowest));
    assertThat(shipped.high()).isEqualTo(Math.max(bar.high(), highest));
    assertThat(bar.volume() - shipped.volume()).isEqualTo(auctionVolume - firstPrimary.size());
  }

  /**
   * The vendor puts the first closing-auction print of the primary market (NYSE Arca, flag 0x80,
   * printed just after 16:00) into the last regular bar: it sets that bar's close and adds its
   * size. Here it is after the REGULAR session, so outside-session.
   */
  private static void explainClosingAuction(ClosedBar ours, RefBar shipped) {
    Trade cross =
        prints(t -> t.exchange().equals("P") && flagged(t, SaleConditionFilter.CLOSING_PRINTS)).get(0);
    assertThat(cross.time()).isAfterOrEqualTo(CLOSE);

    Bar bar = ours.bar();
    assertThat(shipped.open()).isEqualTo(bar.open());
    assertThat(shipped.high()).isEqualTo(Math.max(bar.high(), cross.price()));
    assertThat(shipped.low()).isEqualTo(Math.min(bar.low(), cross.price()));
    assertThat(shipped.close()).isEqualTo(cross.price()).isNotEqualTo(bar.close());
    assertThat(shipped.volume() - bar.volume()).isEqualTo(cross.size());
  }

  private static List<Trade> prints(Predicate<Trade> which) {
    return trades.stream().filter(which).toList();
  }

  private static boolean flagged(Trade t, long flag) {
    return (SaleConditionFilter.flags(t.condition()) & flag) != 0;
  }
}
