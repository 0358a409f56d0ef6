package io.tickcast.features;

import io.tickcast.features.indicators.Atr;
import io.tickcast.features.indicators.Bollinger;
import io.tickcast.features.indicators.Ema;
import io.tickcast.features.indicators.LogReturn;
import io.tickcast.features.indicators.Macd;
import io.tickcast.features.indicators.Obv;
import io.tickcast.features.indicators.RollingVolatility;
import io.tickcast.features.indicators.RollingVwap;
import io.tickcast.features.indicators.Rsi;
import io.tickcast.features.indicators.Sma;
import io.tickcast.features.indicators.Stochastic;
import io.tickcast.features.indicators.VolumeZScore;
import io.tickcast.features.indicators.Wma;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.CborSerializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The technical indicators of one ticker, updated bar by bar: the single definition used by the
 * live TickerEntity and by offline training, so both see the same numbers. Definitions, warm-up
 * and the ta4j oracle of every key: features/README.md.
 *
 * <p>Indicators work on the adjusted scale: high, low and close are multiplied by
 * {@link Bar#adjustmentFactor()} and volume is divided by it, so splits do not show as jumps.
 *
 * <p>{@link #update} is O(1) (amortized: rolling sums are recomputed exactly once per window
 * cycle) and allocates nothing. {@link #values()} maps every key, in the order of {@link #names()},
 * to its value, or to {@code null} while the key's window is not full or when the value is
 * undefined at this bar (e.g. %B when the bands have zero width); it never holds NaN or infinity.
 *
 * <p>Not thread-safe: owned by one actor (or one training loop).
 */
public final class IndicatorSet {
  private static final List<String> NAMES =
      List.of(
          "sma_20", "ema_12", "ema_26", "rsi_14", "wma_20", "macd", "macd_signal", "macd_hist",
          "bb_mid", "bb_upper", "bb_lower", "bb_pct_b", "bb_width", "atr_14", "stoch_k", "stoch_d",
          "obv", "vwap_20", "volatility_20", "return_1", "return_5", "return_20", "volume_z_20");

  private long barCount;
  private final Sma sma20;
  private final Ema ema12;
  private final Ema ema26;
  private final Rsi rsi14;
  private final Wma wma20;
  private final Macd macd;
  private final Bollinger bollinger;
  private final Atr atr14;
  private final Stochastic stochastic;
  private final Obv obv;
  private final RollingVwap vwap20;
  private final RollingVolatility volatility20;
  private final LogReturn return1;
  private final LogReturn return5;
  private final LogReturn return20;
  private final VolumeZScore volumeZ20;

  private IndicatorSet(
      long barCount,
      Sma sma20,
      Ema ema12,
      Ema ema26,
      Rsi rsi14,
      Wma wma20,
      Macd macd,
      Bollinger bollinger,
      Atr atr14,
      Stochastic stochastic,
      Obv obv,
      RollingVwap vwap20,
      RollingVolatility volatility20,
      LogReturn return1,
      LogReturn return5,
      LogReturn return20,
      VolumeZScore volumeZ20) {
    this.barCount = barCount;
    this.sma20 = sma20;
    this.ema12 = ema12;
    this.ema26 = ema26;
    this.rsi14 = rsi14;
    this.wma20 = wma20;
    this.macd = macd;
    this.bollinger = bollinger;
    this.atr14 = atr14;
    this.stochastic = stochastic;
    this.obv = obv;
    this.vwap20 = vwap20;
    this.volatility20 = volatility20;
    this.return1 = return1;
    this.return5 = return5;
    this.return20 = return20;
    this.volumeZ20 = volumeZ20;
  }

  /** The windows the key names say: MACD 12/26/9, Bollinger 20 and 2σ, stochastic 14/3. */
  public static IndicatorSet standard() {
    return new IndicatorSet(
        0,
        new Sma(20),
        Ema.of(12),
        Ema.of(26),
        new Rsi(14),
        new Wma(20),
        new Macd(12, 26, 9),
        new Bollinger(20, 2.0),
        new Atr(14),
        new Stochastic(14, 3),
        new Obv(),
        new RollingVwap(20),
        new RollingVolatility(20),
        new LogReturn(1),
        new LogReturn(5),
        new LogReturn(20),
        new VolumeZScore(20));
  }

  public static IndicatorSet fromMemento(Memento m) {
    return new IndicatorSet(
        m.barCount(),
        Sma.fromState(m.sma20()),
        Ema.fromState(m.ema12()),
        Ema.fromState(m.ema26()),
        Rsi.fromState(m.rsi14()),
        Wma.fromState(m.wma20()),
        Macd.fromState(m.macd()),
        Bollinger.fromState(m.bollinger()),
        Atr.fromState(m.atr14()),
        Stochastic.fromState(m.stochastic()),
        Obv.fromState(m.obv()),
        RollingVwap.fromState(m.vwap20()),
        RollingVolatility.fromState(m.volatility20()),
        LogReturn.fromState(m.return1()),
        LogReturn.fromState(m.return5()),
        LogReturn.fromState(m.return20()),
        VolumeZScore.fromState(m.volumeZ20()));
  }

  /**
   * Feeds the next bar of this ticker (bars in time order, no duplicates).
   *
   * @throws IllegalArgumentException if high, low, close or the adjusted close is not finite and
   *     positive, or the volume is negative; the state is then left unchanged
   */
  public void update(Bar bar) {
    if (!(isPositiveFinite(bar.high())
        && isPositiveFinite(bar.low())
        && isPositiveFinite(bar.close())
        && isPositiveFinite(bar.adjustedClose())
        && bar.volume() >= 0)) {
      throw new IllegalArgumentException("invalid bar: " + bar);
    }
    double factor = bar.adjustmentFactor();
    double high = bar.high() * factor;
    double low = bar.low() * factor;
    double close = bar.close() * factor;
    double volume = bar.volume() / factor;

    sma20.update(close);
    ema12.update(close);
    ema26.update(close);
    rsi14.update(close);
    wma20.update(close);
    macd.update(close);
    bollinger.update(close);
    atr14.update(high, low, close);
    stochastic.update(high, low, close);
    obv.update(close, volume);
    vwap20.update(high, low, close, volume);
    volatility20.update(close);
    return1.update(close);
    return5.update(close);
    return20.update(close);
    volumeZ20.update(volume);
    barCount++;
  }

  private static boolean isPositiveFinite(double x) {
    return x > 0.0 && x < Double.POSITIVE_INFINITY;
  }

  public Map<String, Double> values() {
    Map<String, Double> m = new LinkedHashMap<>(NAMES.size() * 2);
    put(m, "sma_20", sma20.isReady(), sma20.value());
    put(m, "ema_12", ema12.isReady(), ema12.value());
    put(m, "ema_26", ema26.isReady(), ema26.value());
    put(m, "rsi_14", rsi14.isReady(), rsi14.value());
    put(m, "wma_20", wma20.isReady(), wma20.value());
    put(m, "macd", macd.isReady(), macd.macd());
    put(m, "macd_signal", macd.isSignalReady(), macd.signal());
    put(m, "macd_hist", macd.isSignalReady(), macd.histogram());
    boolean bb = bollinger.isReady();
    put(m, "bb_mid", bb, bollinger.middle());
    put(m, "bb_upper", bb, bollinger.upper());
    put(m, "bb_lower", bb, bollinger.lower());
    put(m, "bb_pct_b", bb, bollinger.percentB());
    put(m, "bb_width", bb, bollinger.width());
    put(m, "atr_14", atr14.isReady(), atr14.value());
    put(m, "stoch_k", stochastic.isReady(), stochastic.k());
    put(m, "stoch_d", stochastic.isDReady(), stochastic.d());
    put(m, "obv", obv.isReady(), obv.value());
    put(m, "vwap_20", vwap20.isReady(), vwap20.value());
    put(m, "volatility_20", volatility20.isReady(), volatility20.value());
    put(m, "return_1", return1.isReady(), return1.value());
    put(m, "return_5", return5.isReady(), return5.value());
    put(m, "return_20", return20.isReady(), return20.value());
    put(m, "volume_z_20", volumeZ20.isReady(), volumeZ20.value());
    return m;
  }

  private static void put(Map<String, Double> m, String key, boolean ready, double value) {
    m.put(key, ready && Double.isFinite(value) ? value : null);
  }

  /** The keys of {@link #values()}, in its order (immutable). */
  public List<String> names() {
    return NAMES;
  }

  public long barCount() {
    return barCount;
  }

  public Memento memento() {
    return new Memento(
        barCount,
        sma20.state(),
        ema12.state(),
        ema26.state(),
        rsi14.state(),
        wma20.state(),
        macd.state(),
        bollinger.state(),
        atr14.state(),
        stochastic.state(),
        obv.state(),
        vwap20.state(),
        volatility20.state(),
        return1.state(),
        return5.state(),
        return20.state(),
        volumeZ20.state());
  }

  /**
   * Immutable deep copy of the whole state, for persistence snapshots (Jackson JSON/CBOR). A
   * restored set continues bitwise identically to one that was never interrupted.
   */
  public record Memento(
      long barCount,
      Sma.State sma20,
      Ema.State ema12,
      Ema.State ema26,
      Rsi.State rsi14,
      Wma.State wma20,
      Macd.State macd,
      Bollinger.State bollinger,
      Atr.State atr14,
      Stochastic.State stochastic,
      Obv.State obv,
      RollingVwap.State vwap20,
      RollingVolatility.State volatility20,
      LogReturn.State return1,
      LogReturn.State return5,
      LogReturn.State return20,
      VolumeZScore.State volumeZ20)
      implements CborSerializable {}
}
