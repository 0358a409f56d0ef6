package io.tickcast.features.indicators;

/**
 * On-balance volume as ta4j {@code OnBalanceVolumeIndicator}: 0 at the first bar, then the running
 * total adds the bar's volume on an up close and subtracts it on a down close. Ready from the first
 * bar. Its level depends on where the series started; only its changes compare across series.
 */
public final class Obv {
  private double value;
  private double previousClose;
  private long bars;

  public Obv() {
    this(0.0, Double.NaN, 0);
  }

  private Obv(double value, double previousClose, long bars) {
    this.value = value;
    this.previousClose = previousClose;
    this.bars = bars;
  }

  public static Obv fromState(State s) {
    return new Obv(s.value(), s.previousClose(), s.bars());
  }

  public void update(double close, double volume) {
    if (bars > 0) {
      if (close > previousClose) {
        value = value + volume;
      } else if (close < previousClose) {
        value = value - volume;
      }
    }
    previousClose = close;
    bars++;
  }

  public boolean isReady() {
    return bars > 0;
  }

  public double value() {
    return value;
  }

  public State state() {
    return new State(value, previousClose, bars);
  }

  public record State(double value, double previousClose, long bars) {}
}
