package io.tickcast.features.indicators;

/**
 * Average true range: Wilder-smoothed ({@code 1/period}) true range, as ta4j {@code ATRIndicator}.
 * The true range is max(high - low, |high - previous close|, |previous close - low|); the first
 * bar, having no previous close, contributes high - low and seeds the average (as ta4j). Ready once
 * {@code period} true ranges with a previous close have been seen, at bar {@code period + 1}.
 */
public final class Atr {
  private final int period;
  private final Ema average;
  private double previousClose;
  private long bars;

  public Atr(int period) {
    this(period, Ema.wilder(period), Double.NaN, 0);
  }

  private Atr(int period, Ema average, double previousClose, long bars) {
    this.period = period;
    this.average = average;
    this.previousClose = previousClose;
    this.bars = bars;
  }

  public static Atr fromState(State s) {
    return new Atr(s.period(), Ema.fromState(s.average()), s.previousClose(), s.bars());
  }

  public void update(double high, double low, double close) {
    double range = Math.abs(high - low);
    if (bars > 0) {
      double gap = Math.max(Math.abs(high - previousClose), Math.abs(previousClose - low));
      range = Math.max(range, gap);
    }
    average.update(range);
    previousClose = close;
    bars++;
  }

  public boolean isReady() {
    return bars > period;
  }

  public double value() {
    return average.value();
  }

  public State state() {
    return new State(period, average.state(), previousClose, bars);
  }

  public record State(int period, Ema.State average, double previousClose, long bars) {}
}
