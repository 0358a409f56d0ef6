package io.tickcast.features;

import io.tickcast.protocols.Bar;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.Indicator;
import org.ta4j.core.indicators.ATRIndicator;
import org.ta4j.core.indicators.CachedIndicator;
import org.ta4j.core.indicators.EMAIndicator;
import org.ta4j.core.indicators.MACDIndicator;
import org.ta4j.core.indicators.RSIIndicator;
import org.ta4j.core.indicators.SMAIndicator;
import org.ta4j.core.indicators.StochasticOscillatorDIndicator;
import org.ta4j.core.indicators.StochasticOscillatorKIndicator;
import org.ta4j.core.indicators.WMAIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandWidthIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsLowerIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsMiddleIndicator;
import org.ta4j.core.indicators.bollinger.BollingerBandsUpperIndicator;
import org.ta4j.core.indicators.bollinger.PercentBIndicator;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.indicators.helpers.VolumeIndicator;
import org.ta4j.core.indicators.statistics.StandardDeviationIndicator;
import org.ta4j.core.indicators.statistics.VarianceIndicator;
import org.ta4j.core.indicators.volume.OnBalanceVolumeIndicator;
import org.ta4j.core.indicators.volume.RelativeVolumeStandardDeviationIndicator;
import org.ta4j.core.indicators.volume.VWAPIndicator;
import org.ta4j.core.num.DoubleNum;
import org.ta4j.core.num.NaN;
import org.ta4j.core.num.Num;

/**
 * The same bars as a ta4j 0.17 {@code DoubleNum} series, adjusted independently of the production
 * code (prices × adjusted_close/close, volume ÷ it), and one ta4j indicator per IndicatorSet key.
 * Where ta4j has no indicator (log returns, sample volatility) the oracle is written with ta4j's
 * {@code Num} arithmetic over its indicators.
 */
final class Ta4jOracle {
  final BarSeries series;
  final Map<String, Indicator<Num>> indicators = new LinkedHashMap<>();
  /** ta4j's own volume z-score class; NaN for index < 20, so the key uses the formula instead. */
  final Indicator<Num> relativeVolumeStdDev;

  Ta4jOracle(List<Bar> bars) {
    series = new BaseBarSeriesBuilder().withNumTypeOf(DoubleNum::valueOf).build();
    for (Bar b : bars) {
      double f = b.adjustedClose() / b.close();
      series.addBar(
          b.interval(),
          b.end().atZone(ZoneOffset.UTC),
          DoubleNum.valueOf(b.open() * f),
          DoubleNum.valueOf(b.high() * f),
          DoubleNum.valueOf(b.low() * f),
          DoubleNum.valueOf(b.close() * f),
          DoubleNum.valueOf(b.volume() / f));
    }
    ClosePriceIndicator close = new ClosePriceIndicator(series);
    VolumeIndicator volume = new VolumeIndicator(series);
    indicators.put("sma_20", new SMAIndicator(close, 20));
    indicators.put("ema_12", new EMAIndicator(close, 12));
    indicators.put("ema_26", new EMAIndicator(close, 26));
    indicators.put("rsi_14", new RSIIndicator(close, 14));
    indicators.put("wma_20", new WMAIndicator(close, 20));
    MACDIndicator macd = new MACDIndicator(close, 12, 26);
    indicators.put("macd", macd);
    indicators.put("macd_signal", macd.getSignalLine(9));
    indicators.put("macd_hist", macd.getHistogram(9));
    BollingerBandsMiddleIndicator middle =
        new BollingerBandsMiddleIndicator(new SMAIndicator(close, 20));
    StandardDeviationIndicator deviation = new StandardDeviationIndicator(close, 20);
    BollingerBandsUpperIndicator upper =
        new BollingerBandsUpperIndicator(middle, deviation, series.numOf(2));
    BollingerBandsLowerIndicator lower =
        new BollingerBandsLowerIndicator(middle, deviation, series.numOf(2));
    indicators.put("bb_mid", middle);
    indicators.put("bb_upper", upper);
    indicators.put("bb_lower", lower);
    indicators.put("bb_pct_b", new PercentBIndicator(close, 20, 2.0));
    indicators.put("bb_width", new BollingerBandWidthIndicator(upper, middle, lower));
    indicators.put("atr_14", new ATRIndicator(series, 14));
    StochasticOscillatorKIndicator k = new StochasticOscillatorKIndicator(series, 14);
    indicators.put("stoch_k", k);
    indicators.put("stoch_d", new StochasticOscillatorDIndicator(k));
    indicators.put("obv", new OnBalanceVolumeIndicator(series));
    indicators.put("vwap_20", new VWAPIndicator(series, 20));
    Indicator<Num> logReturn = logReturn(close, 1);
    VarianceIndicator returnVariance = new VarianceIndicator(logReturn, 20);
    indicators.put(
        "volatility_20",
        indicator(i -> returnVariance.getValue(i).multipliedBy(series.numOf(20))
            .dividedBy(series.numOf(19)).sqrt()));
    indicators.put("return_1", logReturn);
    indicators.put("return_5", logReturn(close, 5));
    indicators.put("return_20", logReturn(close, 20));
    SMAIndicator volumeMean = new SMAIndicator(volume, 20);
    StandardDeviationIndicator volumeDeviation = new StandardDeviationIndicator(volume, 20);
    indicators.put(
        "volume_z_20",
        indicator(i -> volume.getValue(i).minus(volumeMean.getValue(i))
            .dividedBy(volumeDeviation.getValue(i))));
    relativeVolumeStdDev = new RelativeVolumeStandardDeviationIndicator(series, 20);
  }

  private Indicator<Num> logReturn(Indicator<Num> close, int horizon) {
    return indicator(i -> i < horizon
        ? NaN.NaN
        : close.getValue(i).dividedBy(close.getValue(i - horizon)).log());
  }

  private Indicator<Num> indicator(IntFunction<Num> f) {
    return new CachedIndicator<>(series) {
      @Override
      protected Num calculate(int index) {
        return f.apply(index);
      }

      @Override
      public int getUnstableBars() {
        return 0;
      }
    };
  }

  /** The oracle's value of {@code key} at bar {@code index}; NaN where ta4j gives NaN. */
  double value(String key, int index) {
    Num v = indicators.get(key).getValue(index);
    return v.isNaN() ? Double.NaN : v.doubleValue();
  }
}
