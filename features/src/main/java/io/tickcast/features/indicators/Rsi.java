package io.tickcast.features.indicators;

/**
 * Wilder's RSI: {@code 100 - 100 / (1 + avgGain / avgLoss)} with Wilder-smoothed ({@code 1/period})
 * gains and losses of the close, as ta4j {@code RSIIndicator}: both averages are seeded at the
 * first bar with a zero gain and zero loss. Ready once {@code period} price changes have been seen,
 * i.e. at bar {@code period + 1}.
 *
 * <p>When the average loss is 0 the RSI is 100. When both averages are 0 (every change so far was
 * exactly zero; Wilder averages never decay back to exactly 0 otherwise) ta4j returns 0, which
 * would read as maximally oversold; this returns the neutral 50 instead.
 */
public final class Rsi {
  private final int period;
  private final Ema averageGain;
  private final Ema averageLoss;
  private double previousClose;
  private long bars;

  public Rsi(int period) {
    this(period, Ema.wilder(period), Ema.wilder(period), Double.NaN, 0);
  }

  private Rsi(int period, Ema averageGain, Ema averageLoss, double previousClose, long bars) {
    this.period = period;
    this.averageGain = averageGain;
    this.averageLoss = averageLoss;
    this.previousClose = previousClose;
    this.bars = bars;
  }

  public static Rsi fromState(State s) {
    return new Rsi(
        s.period(),
        Ema.fromState(s.averageGain()),
        Ema.fromState(s.averageLoss()),
        s.previousClose(),
        s.bars());
  }

  public void update(double close) {
    double gain = 0.0;
    double loss = 0.0;
    if (bars > 0) {
      if (close > previousClose) {
        gain = close - previousClose;
      } else if (close < previousClose) {
        loss = previousClose - close;
      }
    }
    averageGain.update(gain);
    averageLoss.update(loss);
    previousClose = close;
    bars++;
  }

  public boolean isReady() {
    return bars > period;
  }

  public double value() {
    double gain = averageGain.value();
    double loss = averageLoss.value();
    if (loss == 0.0) {
      return gain == 0.0 ? 50.0 : 100.0;
    }
    return 100.0 - 100.0 / (1.0 + gain / loss);
  }

  public State state() {
    return new State(period, averageGain.state(), averageLoss.state(), previousClose, bars);
  }

  public record State(
      int period, Ema.State averageGain, Ema.State averageLoss, double previousClose, long bars) {}
}
