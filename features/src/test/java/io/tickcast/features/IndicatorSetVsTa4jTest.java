package io.tickcast.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tickcast.protocols.Bar;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every key against its ta4j 0.17 oracle on real daily bars (AIG includes its 1:20 reverse split
 * of 2009-07-01 and its 2008 crash), bar by bar: null before the key's warm-up bar, then within
 * {@code 1e-9 × max(|expected|, floor)} of ta4j.
 *
 * <p>The floor makes the bound absolute for values near 0, where relative error is meaningless
 * because the absolute error comes from the inputs, not from the small result: 1.0 for the
 * scores whose natural scale is 1 to 100 (%B, z-score, stochastic, RSI; e.g. ta4j's own running
 * sum behind %D drifts by ~5e-13 absolute), {@value #DEFAULT_FLOOR} for everything else. EMA, RSI,
 * ATR, MACD, OBV, %K and the returns use ta4j's operation order and come out bitwise equal; the
 * window statistics differ by at most ~1e-12 relative, mostly ta4j's running-total drift.
 */
class IndicatorSetVsTa4jTest {
  private static final double REL_TOL = 1e-9;
  private static final double DEFAULT_FLOOR = 1e-3;
  private static final Set<String> UNIT_SCALE_KEYS =
      Set.of("rsi_14", "bb_pct_b", "stoch_k", "stoch_d", "volume_z_20");

  /** 1-based bar at which each key first has a value (see features/README.md). */
  static final Map<String, Integer> FIRST_READY_BAR =
      Map.ofEntries(
          Map.entry("sma_20", 20),
          Map.entry("ema_12", 12),
          Map.entry("ema_26", 26),
          Map.entry("rsi_14", 15),
          Map.entry("wma_20", 20),
          Map.entry("macd", 26),
          Map.entry("macd_signal", 34),
          Map.entry("macd_hist", 34),
          Map.entry("bb_mid", 20),
          Map.entry("bb_upper", 20),
          Map.entry("bb_lower", 20),
          Map.entry("bb_pct_b", 20),
          Map.entry("bb_width", 20),
          Map.entry("atr_14", 15),
          Map.entry("stoch_k", 14),
          Map.entry("stoch_d", 16),
          Map.entry("obv", 1),
          Map.entry("vwap_20", 20),
          Map.entry("volatility_20", 21),
          Map.entry("return_1", 2),
          Map.entry("return_5", 6),
          Map.entry("return_20", 21),
          Map.entry("volume_z_20", 20));

  @ParameterizedTest
  @ValueSource(strings = {"AAPL", "AIG", "MSFT"})
  void matchesTa4jOnRealData(String ticker) {
    List<Bar> bars = MarketData.daily(ticker);
    assertThat(bars).as("bars of %s", ticker).hasSizeGreaterThan(1000);
    Ta4jOracle oracle = new Ta4jOracle(bars);
    IndicatorSet set = IndicatorSet.standard();
    assertThat(set.names()).containsExactlyElementsOf(oracle.indicators.keySet());

    for (int i = 0; i < bars.size(); i++) {
      set.update(bars.get(i));
      Map<String, Double> values = set.values();
      assertThat(values.keySet()).containsExactlyElementsOf(set.names());
      for (String key : set.names()) {
        Double actual = values.get(key);
        if (i + 1 < FIRST_READY_BAR.get(key)) {
          assertThat(actual).as("%s %s bar %d (warm-up)", ticker, key, i + 1).isNull();
          continue;
        }
        double expected = oracle.value(key, i);
        if (Double.isNaN(expected)) {
          assertThat(actual).as("%s %s bar %d (ta4j NaN)", ticker, key, i + 1).isNull();
          continue;
        }
        if (actual == null) {
          fail("%s %s bar %d is null, ta4j has %s", ticker, key, i + 1, expected);
        }
        double floor = UNIT_SCALE_KEYS.contains(key) ? 1.0 : DEFAULT_FLOOR;
        double tol = REL_TOL * Math.max(Math.abs(expected), floor);
        if (!(Math.abs(actual - expected) <= tol)) {
          fail("%s %s bar %d (%s): %s vs ta4j %s", ticker, key, i + 1,
              bars.get(i).start(), actual, expected);
        }
      }
      // ta4j's own z-score class (NaN for index < 20) agrees with the formula oracle used above.
      if (i >= 20) {
        Double z = values.get("volume_z_20");
        double ta4jZ = oracle.relativeVolumeStdDev.getValue(i).doubleValue();
        boolean agrees =
            z == null
                ? Double.isNaN(ta4jZ)
                : Math.abs(z - ta4jZ) <= REL_TOL * Math.max(Math.abs(ta4jZ), 1.0);
        if (!agrees) {
          fail("%s volume_z_20 bar %d: %s vs RelativeVolumeStandardDeviationIndicator %s",
              ticker, i + 1, z, ta4jZ);
        }
      }
    }
    assertThat(set.barCount()).isEqualTo(bars.size());
  }
}
