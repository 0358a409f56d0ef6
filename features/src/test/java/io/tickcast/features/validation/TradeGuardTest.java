package io.tickcast.features.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.tickcast.features.bars.IntradayData;
import io.tickcast.protocols.Trade;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TradeGuardTest {
  private static final Instant T0 = Instant.parse("2013-10-07T14:00:00Z");
  private static final TradeGuard.Config CONFIG =
      new TradeGuard.Config(Duration.ofSeconds(1), Duration.ofSeconds(10), 5, 4.0, 0.001, Duration.ofMinutes(10), 3);

  private final TradeGuard guard = new TradeGuard(CONFIG);
  private long sequence;
  private Instant time = T0;
  private double lastAccepted = 100.0;

  private Trade next(double price) {
    time = time.plusMillis(100);
    return new Trade("SPY", time, price, 100, ++sequence, "P", "1");
  }

  private static Trade with(Trade t, String ticker, Instant time, double price, long size, long sequence) {
    return new Trade(ticker, time, price, size, sequence, t.exchange(), t.condition());
  }

  private void accept(Trade t) {
    assertThat(guard.admit(t, time)).isEmpty();
    lastAccepted = t.price();
  }

  /** Accepts {@code n} trades alternating {@code low} and {@code high}. */
  private void warmUp(int n, double low, double high) {
    for (int i = 0; i < n; i++) {
      accept(next(i % 2 == 0 ? low : high));
    }
  }

  private void warmUp(int n) {
    warmUp(n, 100.0, 100.01);
  }

  /**
   * {@code bad} is quarantined for {@code rule} without touching the state (a spike only starts a
   * run of spikes); the next trade passes.
   */
  private void assertQuarantined(Trade bad, String rule) {
    TradeGuard.Memento before = guard.memento();
    Optional<Violation> violation = guard.admit(bad, time);
    assertThat(violation).map(Violation::rule).hasValue(rule);
    assertUnchangedButTheRun(before);
    accept(next(lastAccepted));
  }

  private void assertUnchangedButTheRun(TradeGuard.Memento before) {
    assertThat(guard.memento()).usingRecursiveComparison().ignoringFields("runPrice", "runLength").isEqualTo(before);
  }

  @Test
  void nullFieldsBreakTheSchema() {
    warmUp(2);
    Trade t = next(100.0);
    assertQuarantined(new Trade(null, t.time(), 100.0, 1, t.sequence(), "P", "1"), "schema");
    assertQuarantined(new Trade("SPY", null, 100.0, 1, t.sequence(), "P", "1"), "schema");
    assertQuarantined(new Trade("SPY", t.time(), 100.0, 1, t.sequence(), null, "1"), "schema");
    assertQuarantined(new Trade("SPY", t.time(), 100.0, 1, t.sequence(), "P", null), "schema");
  }

  @Test
  void theTickerMustBeAnExchangeSymbol() {
    Trade t = next(100.0);
    assertQuarantined(with(t, "spy", t.time(), 100.0, 1, t.sequence()), "ticker-format");
    assertQuarantined(with(t, "SPY$", t.time(), 100.0, 1, t.sequence()), "ticker-format");
  }

  @Test
  void pricesMustBePositiveAndFinite() {
    for (double price : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
      Trade t = next(100.0);
      assertQuarantined(with(t, "SPY", t.time(), price, 1, t.sequence()), "price-not-positive");
    }
  }

  @Test
  void sizesMustBePositive() {
    for (long size : new long[] {0, -100}) {
      Trade t = next(100.0);
      assertQuarantined(with(t, "SPY", t.time(), 100.0, size, t.sequence()), "size-not-positive");
    }
  }

  @Test
  void aSequenceNotAboveTheLastAcceptedIsADuplicate() {
    warmUp(3);
    Trade t = next(100.0);
    assertQuarantined(with(t, "SPY", t.time(), 100.0, 1, 3), "duplicate-sequence");
    assertQuarantined(with(t, "SPY", t.time(), 100.0, 1, 1), "duplicate-sequence");
  }

  @Test
  void aTradeMoreThanTheAllowedLatenessBeforeTheLatestAcceptedGoesBackwards() {
    warmUp(3);
    Instant latest = time;
    Trade t = next(100.0);
    assertQuarantined(with(t, "SPY", latest.minusMillis(1001), 100.0, 1, t.sequence()), "time-backwards");
    accept(with(t, "SPY", time.minusMillis(999), 100.0, 1, ++sequence));
  }

  @Test
  void aTradeTooFarBehindTheClockIsStale() {
    warmUp(3);
    Trade t = next(100.0);
    TradeGuard.Memento before = guard.memento();
    assertThat(guard.admit(t, t.time().plusSeconds(10).plusMillis(1)))
        .map(Violation::rule)
        .hasValue("stale-feed");
    assertThat(guard.memento()).isEqualTo(before);
    assertThat(guard.admit(t, t.time().plusSeconds(10))).isEmpty();
  }

  @Test
  void aMoveOfMoreThanKSigmaIsASpikeOnceTheWindowIsFull() {
    warmUp(6, 100.0, 101.0);
    double sigma = guard.volatility();
    assertThat(sigma).isGreaterThan(CONFIG.spikeFloor());
    TradeGuard.Memento before = guard.memento();

    assertThat(guard.check(next(101.0 * Math.exp(4.01 * sigma)), time))
        .map(Violation::rule)
        .hasValue("price-spike");
    assertThat(guard.check(next(101.0 * Math.exp(-4.01 * sigma)), time))
        .map(Violation::rule)
        .hasValue("price-spike");
    assertThat(guard.check(next(101.0 * Math.exp(3.99 * sigma)), time)).isEmpty();
    assertUnchangedButTheRun(before);
    assertQuarantined(next(150.0), "price-spike");
  }

  @Test
  void spikesInARowAtOneLevelReAnchorOnIt() {
    warmUp(6, 100.0, 101.0);
    double sigma = guard.volatility();

    // CONFIG wants 3 in a row: the first two stay quarantined, the third is the new reference.
    assertThat(guard.admit(next(150.0), time)).map(Violation::rule).hasValue("price-spike");
    assertThat(guard.admit(next(150.2), time)).map(Violation::rule).hasValue("price-spike");
    accept(next(150.1));
    // The jump is not a trade-to-trade return: σ did not see it.
    assertThat(guard.volatility()).isEqualTo(sigma);
    accept(next(150.0));
    assertQuarantined(next(100.0), "price-spike");
  }

  @Test
  void badPrintsAtScatteredLevelsNeverReAnchor() {
    warmUp(6, 100.0, 101.0);
    assertThat(guard.admit(next(150.0), time)).map(Violation::rule).hasValue("price-spike");
    assertThat(guard.admit(next(60.0), time)).map(Violation::rule).hasValue("price-spike");
    assertThat(guard.admit(next(150.0), time)).map(Violation::rule).hasValue("price-spike");
    // A good trade between two bad ones ends the run.
    accept(next(100.5));
    assertThat(guard.admit(next(150.0), time)).map(Violation::rule).hasValue("price-spike");
    assertThat(guard.admit(next(150.0), time)).map(Violation::rule).hasValue("price-spike");
    accept(next(101.0));
    assertThat(guard.admit(next(150.0), time)).map(Violation::rule).hasValue("price-spike");
  }

  @Test
  void aGuardRestoredUnderNewSettingsAppliesThem() {
    warmUp(6, 100.0, 101.0);
    double sigma = guard.volatility();
    TradeGuard.Config stricter =
        new TradeGuard.Config(Duration.ofSeconds(1), Duration.ofSeconds(10), 5, 2.0, 0.001, Duration.ofMinutes(10), 3);
    Trade move = next(101.0 * Math.exp(3 * sigma));

    assertThat(TradeGuard.fromMemento(guard.memento()).check(move, time)).isEmpty();
    TradeGuard restored = TradeGuard.fromMemento(guard.memento(), stricter);
    assertThat(restored.volatility()).isEqualTo(sigma);
    assertThat(restored.check(move, time)).map(Violation::rule).hasValue("price-spike");
    // Another window size: σ is rebuilt from the trades to come, no spike is called meanwhile.
    TradeGuard resized =
        TradeGuard.fromMemento(
            guard.memento(),
            new TradeGuard.Config(Duration.ofSeconds(1), Duration.ofSeconds(10), 8, 2.0, 0.001, Duration.ofMinutes(10), 3));
    assertThat(resized.check(next(150.0), time)).isEmpty();
  }

  @Test
  void aTradeAfterAQuietSpellIsNotCheckedAgainstTheOldPrice() {
    warmUp(6, 100.0, 101.0);
    double sigma = guard.volatility();
    // next() adds 100 ms: the first trade comes exactly spikeResetGap after the last accepted one.
    time = time.plus(CONFIG.spikeResetGap()).minusMillis(100);
    assertThat(guard.admit(next(110.0), time)).map(Violation::rule).hasValue("price-spike");
    accept(next(110.0));
    assertThat(guard.volatility()).isEqualTo(sigma);
    assertQuarantined(next(150.0), "price-spike");
  }

  @Test
  void noSpikeIsCalledBeforeTheWindowIsFull() {
    warmUp(5);
    accept(next(150.0));
  }

  @Test
  void theFloorKeepsACalmSeriesFromRejectingEveryMove() {
    warmUp(10, 50.0, 50.0);
    assertThat(guard.volatility()).isZero();

    accept(next(50.15));
    assertQuarantined(next(50.15 * 1.01), "price-spike");
  }

  @Test
  void theFirstBrokenRuleInDocumentedOrderIsReported() {
    warmUp(6);
    Trade t = next(1000.0);
    Trade all = new Trade("spy", time.minusSeconds(30), -1.0, 0, 1, "P", "1");
    assertThat(guard.check(all, time)).map(Violation::rule).hasValue("ticker-format");
    assertThat(guard.check(with(t, "SPY", t.time().minusSeconds(30), 1000.0, 1, 1), time))
        .map(Violation::rule)
        .hasValue("duplicate-sequence");
    assertThat(guard.check(with(t, "SPY", t.time().minusSeconds(30), 1000.0, 1, t.sequence()), time))
        .map(Violation::rule)
        .hasValue("time-backwards");
  }

  @Test
  void aRestoredSnapshotGivesTheSameVerdicts() throws IOException {
    List<Trade> trades = IntradayData.trades("IBM", "20131007");
    TradeGuard original = new TradeGuard(TradeGuard.Config.standard());
    for (Trade t : trades.subList(0, 5000)) {
      original.admit(t, t.time());
    }
    for (ObjectMapper mapper : List.of(new ObjectMapper(), new ObjectMapper(new CBORFactory()))) {
      TradeGuard.Memento copy =
          mapper.readValue(mapper.writeValueAsBytes(original.memento()), TradeGuard.Memento.class);
      assertThat(copy).isEqualTo(original.memento());
      TradeGuard resumed = TradeGuard.fromMemento(copy);
      TradeGuard reference = TradeGuard.fromMemento(original.memento());
      for (Trade t : trades.subList(5000, trades.size())) {
        assertThat(resumed.admit(t, t.time())).isEqualTo(reference.admit(t, t.time()));
      }
      assertThat(resumed.memento()).isEqualTo(reference.memento());
    }
  }

  /**
   * The standard settings on a real week (SPY, BAC, AIG, IBM, 2013-10-07..11, regular session,
   * clock = feed watermark, one guard per ticker for the whole week): the only trades quarantined
   * are price spikes, all of them off-market block prints reported to a trade-reporting facility
   * (exchange D), hours after the price they carry. The days open with gaps of up to 1 % (the
   * 10th): without re-anchoring, 1,076,086 of the week's prints were refused as spikes of the
   * previous close.
   */
  @Test
  void theStandardSettingsQuarantineOnlyOffMarketBlockPrintsOfARealWeek() {
    ZoneId newYork = ZoneId.of("America/New_York");
    List<Violation> violations = new ArrayList<>();
    List<Trade> quarantined = new ArrayList<>();
    long checked = 0;
    for (String ticker : List.of("SPY", "BAC", "AIG", "IBM")) {
      // One guard for the whole week, as a ticker's entity keeps it: the days open with gaps.
      TradeGuard g = new TradeGuard(TradeGuard.Config.standard());
      Instant watermark = Instant.MIN;
      for (String day : List.of("20131007", "20131008", "20131009", "20131010", "20131011")) {
        for (Trade t : IntradayData.tradesOfAWeek(ticker, day)) {
          LocalTime local = LocalTime.ofInstant(t.time(), newYork);
          if (local.isBefore(LocalTime.of(9, 30)) || !local.isBefore(LocalTime.of(16, 0))) {
            continue;
          }
          watermark = t.time().isAfter(watermark) ? t.time() : watermark;
          checked++;
          g.admit(t, watermark).ifPresent(v -> {
            violations.add(v);
            quarantined.add(t);
          });
        }
      }
    }
    assertThat(checked).isEqualTo(2_725_034);
    assertThat(violations).hasSize(24).allMatch(v -> v.rule().equals("price-spike"));
    assertThat(quarantined).allMatch(t -> t.exchange().equals("D"));
  }
}
