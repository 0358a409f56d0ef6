package io.tickcast.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tickcast.protocols.Bar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Degenerate inputs: flat prices, zero volume, splits, invalid bars. */
class EdgeCaseTest {
  private static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");

  private static Bar bar(int day, double high, double low, double close, long volume) {
    return new Bar("TEST", T0.plus(Duration.ofDays(day)), Duration.ofDays(1),
        close, high, low, close, close, volume);
  }

  private static List<Bar> flat(int n, double price, long volume) {
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      bars.add(bar(i, price, price, price, volume));
    }
    return bars;
  }

  private static Map<String, Double> run(IndicatorSet set, List<Bar> bars) {
    bars.forEach(set::update);
    return set.values();
  }

  @Test
  void constantPricesGiveExactDegenerateValuesAndNullWhereUndefined() {
    // 13.37 is not a binary fraction: plain running sums would leave a rounding residue.
    List<Bar> bars = flat(40, 13.37, 1000);
    Map<String, Double> v = run(IndicatorSet.standard(), bars);

    for (String key : List.of("sma_20", "ema_12", "ema_26", "wma_20", "bb_mid", "bb_upper",
        "bb_lower")) {
      assertThat(v.get(key)).as(key).isEqualTo(13.37);
    }
    for (String key : List.of("macd", "macd_signal", "macd_hist", "bb_width", "atr_14", "obv",
        "volatility_20", "return_1", "return_5", "return_20")) {
      assertThat(v.get(key)).as(key).isEqualTo(0.0);
    }
    assertThat(v.get("vwap_20")).isCloseTo(13.37, within(1e-12));
    // No gains and no losses at all: neutral 50 (ta4j says 0, see Rsi).
    assertThat(v.get("rsi_14")).isEqualTo(50.0);
    // Zero range, zero band width, zero volume deviation: undefined, as ta4j's NaN.
    assertThat(v.get("stoch_k")).isNull();
    assertThat(v.get("stoch_d")).isNull();
    assertThat(v.get("bb_pct_b")).isNull();
    assertThat(v.get("volume_z_20")).isNull();
  }

  @Test
  void ta4jAgreesOnTheFlatSeriesExceptRsi() {
    List<Bar> bars = flat(40, 13.37, 1000);
    Ta4jOracle oracle = new Ta4jOracle(bars);
    int last = bars.size() - 1;
    assertThat(oracle.value("rsi_14", last)).isEqualTo(0.0);
    assertThat(oracle.value("stoch_k", last)).isNaN();
    assertThat(oracle.value("stoch_d", last)).isNaN();
    assertThat(oracle.value("volume_z_20", last)).isNaN();
    assertThat(oracle.value("bb_width", last)).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void stochasticRecoversAfterAFlatStretch() {
    IndicatorSet set = IndicatorSet.standard();
    run(set, flat(30, 50.0, 1000));
    set.update(bar(30, 51.0, 50.0, 51.0, 1000));
    assertThat(set.values().get("stoch_k")).isEqualTo(100.0);
    assertThat(set.values().get("stoch_d")).isNull();
    set.update(bar(31, 51.0, 50.5, 50.5, 1000));
    assertThat(set.values().get("stoch_k")).isEqualTo(50.0);
    assertThat(set.values().get("stoch_d")).isNull();
    set.update(bar(32, 51.0, 50.0, 50.0, 1000));
    assertThat(set.values().get("stoch_k")).isEqualTo(0.0);
    assertThat(set.values().get("stoch_d")).isEqualTo(50.0);
  }

  @Test
  void risingPricesGiveRsi100() {
    IndicatorSet set = IndicatorSet.standard();
    for (int i = 0; i < 20; i++) {
      set.update(bar(i, 11.0 + i, 9.0 + i, 10.0 + i, 1000));
    }
    assertThat(set.values().get("rsi_14")).isEqualTo(100.0);
  }

  @Test
  void zeroVolumeWindowHasNoVwapAndNoZScore() {
    IndicatorSet set = IndicatorSet.standard();
    for (int i = 0; i < 25; i++) {
      set.update(bar(i, 11.0 + i % 3, 9.0, 10.0 + i % 2, i < 5 ? 1_234_567 : 0));
    }
    Map<String, Double> v = set.values();
    assertThat(v.get("vwap_20")).isNull();
    assertThat(v.get("volume_z_20")).isNull();
    assertThat(v.get("obv")).isNotNull();
    assertThat(v.get("sma_20")).isNotNull();
  }

  @Test
  void splitsDoNotShowAsJumps() {
    assertNoJumpOn("AIG", LocalDate.of(2009, 7, 1));
    assertNoJumpOn("AAPL", LocalDate.of(2014, 6, 9));
    assertNoJumpOn("AAPL", LocalDate.of(2020, 8, 31));
  }

  private static void assertNoJumpOn(String ticker, LocalDate splitDay) {
    Instant day = splitDay.atStartOfDay().toInstant(ZoneOffset.UTC);
    List<Bar> bars = MarketData.daily(ticker);
    IndicatorSet set = IndicatorSet.standard();
    Bar previous = null;
    Map<String, Double> before = null;
    for (Bar b : bars) {
      if (b.start().equals(day)) {
        double rawJump = Math.abs(Math.log(b.close() / previous.close()));
        assertThat(rawJump).as("raw close of %s jumps on %s", ticker, splitDay).isGreaterThan(1.0);
        set.update(b);
        Map<String, Double> after = set.values();
        assertThat(Math.abs(after.get("return_1"))).as("return_1").isLessThan(0.3);
        assertThat(after.get("sma_20") / before.get("sma_20")).isBetween(0.9, 1.1);
        assertThat(after.get("atr_14") / before.get("atr_14")).isBetween(0.5, 2.0);
        assertThat(after.get("bb_pct_b")).isBetween(-1.0, 2.0);
        return;
      }
      set.update(b);
      before = set.values();
      previous = b;
    }
    throw new AssertionError(ticker + " has no bar on " + splitDay);
  }

  @Test
  void invalidBarsAreRejectedWithoutTouchingState() {
    IndicatorSet set = IndicatorSet.standard();
    run(set, flat(25, 10.0, 100));
    IndicatorSet.Memento before = set.memento();
    List<Bar> invalid = List.of(
        new Bar("TEST", T0, Duration.ofDays(1), 10, 10, 10, 0.0, 10, 100),
        new Bar("TEST", T0, Duration.ofDays(1), 10, 10, 10, 10, Double.NaN, 100),
        new Bar("TEST", T0, Duration.ofDays(1), 10, Double.POSITIVE_INFINITY, 10, 10, 10, 100),
        new Bar("TEST", T0, Duration.ofDays(1), 10, 10, -1, 10, 10, 100),
        new Bar("TEST", T0, Duration.ofDays(1), 10, 10, 10, 10, 10, -1));
    for (Bar b : invalid) {
      assertThatThrownBy(() -> set.update(b)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(set.memento()).isEqualTo(before);
  }

  @Test
  void namesMatchValuesAndAreStable() {
    IndicatorSet set = IndicatorSet.standard();
    assertThat(set.values().keySet()).containsExactlyElementsOf(set.names());
    assertThat(set.values().values()).containsOnlyNulls();
    assertThat(set.names()).containsExactly(
        "sma_20", "ema_12", "ema_26", "rsi_14", "wma_20", "macd", "macd_signal", "macd_hist",
        "bb_mid", "bb_upper", "bb_lower", "bb_pct_b", "bb_width", "atr_14", "stoch_k", "stoch_d",
        "obv", "vwap_20", "volatility_20", "return_1", "return_5", "return_20", "volume_z_20");
  }
}
