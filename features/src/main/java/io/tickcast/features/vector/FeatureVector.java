package io.tickcast.features.vector;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model input of one bar: {@link io.tickcast.features.IndicatorSet#values()} turned into
 * scale-free numbers, so that one model serves every ticker whatever its price or share count.
 * Offline training and the live entity both call {@link #of}; that is the whole definition.
 *
 * <p>Prices enter only as ratios to the bar's close (on the adjusted scale the indicators use, i.e.
 * the adjusted close), oscillators are centred on 0, and percentages become fractions. Left out:
 * {@code obv} (its level depends on the first bar fed, so live and offline would differ), and the
 * price-level keys {@code sma_20}, {@code wma_20}, {@code bb_mid/upper/lower} beyond their use in
 * ratios. Columns, in the order of {@link #NAMES}:
 *
 * <pre>
 * close_sma_20     close / sma_20 - 1
 * close_ema_12     close / ema_12 - 1
 * close_vwap_20    close / vwap_20 - 1
 * macd_rel         macd / close            (= (ema_12 - ema_26) / close)
 * macd_signal_rel  macd_signal / close
 * macd_hist_rel    macd_hist / close
 * rsi_14           rsi_14 / 100 - 0.5
 * bb_pct_b         bb_pct_b
 * bb_width         bb_width / 100
 * atr_14_rel       atr_14 / close
 * stoch_k          stoch_k / 100 - 0.5
 * stoch_d          stoch_d / 100 - 0.5
 * volatility_20    volatility_20           (daily log-return std dev, not annualised)
 * return_1         return_1
 * return_5         return_5
 * return_20        return_20
 * volume_z_20      volume_z_20
 * </pre>
 */
public final class FeatureVector {

  /** Column names of {@link #of}, in order; a model's input schema. */
  public static final List<String> NAMES =
      List.of(
          "close_sma_20", "close_ema_12", "close_vwap_20", "macd_rel", "macd_signal_rel",
          "macd_hist_rel", "rsi_14", "bb_pct_b", "bb_width", "atr_14_rel", "stoch_k", "stoch_d",
          "volatility_20", "return_1", "return_5", "return_20", "volume_z_20");

  /** Identifies this definition; bump it whenever a column or its formula changes. */
  public static final String SCHEMA_ID = "tickcast-scale-free-v1";

  private FeatureVector() {}

  /**
   * The features of the bar whose indicators are {@code indicators}, or empty while any indicator
   * it needs is {@code null} (warm-up, or undefined at this bar).
   *
   * @param indicators {@code IndicatorSet.values()} after the bar was fed
   * @param adjustedClose the bar's adjusted close: the close on the indicators' scale
   */
  public static Optional<double[]> of(Map<String, Double> indicators, double adjustedClose) {
    Double sma20 = indicators.get("sma_20");
    Double ema12 = indicators.get("ema_12");
    Double vwap20 = indicators.get("vwap_20");
    Double macd = indicators.get("macd");
    Double macdSignal = indicators.get("macd_signal");
    Double macdHist = indicators.get("macd_hist");
    Double rsi14 = indicators.get("rsi_14");
    Double bbPctB = indicators.get("bb_pct_b");
    Double bbWidth = indicators.get("bb_width");
    Double atr14 = indicators.get("atr_14");
    Double stochK = indicators.get("stoch_k");
    Double stochD = indicators.get("stoch_d");
    Double volatility20 = indicators.get("volatility_20");
    Double return1 = indicators.get("return_1");
    Double return5 = indicators.get("return_5");
    Double return20 = indicators.get("return_20");
    Double volumeZ20 = indicators.get("volume_z_20");
    if (sma20 == null || ema12 == null || vwap20 == null || macd == null || macdSignal == null
        || macdHist == null || rsi14 == null || bbPctB == null || bbWidth == null || atr14 == null
        || stochK == null || stochD == null || volatility20 == null || return1 == null
        || return5 == null || return20 == null || volumeZ20 == null) {
      return Optional.empty();
    }
    if (!(adjustedClose > 0.0 && adjustedClose < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("adjusted close must be finite and positive: " + adjustedClose);
    }
    double close = adjustedClose;
    return Optional.of(
        new double[] {
          close / sma20 - 1.0,
          close / ema12 - 1.0,
          close / vwap20 - 1.0,
          macd / close,
          macdSignal / close,
          macdHist / close,
          rsi14 / 100.0 - 0.5,
          bbPctB,
          bbWidth / 100.0,
          atr14 / close,
          stochK / 100.0 - 0.5,
          stochD / 100.0 - 0.5,
          volatility20,
          return1,
          return5,
          return20,
          volumeZ20
        });
  }
}
