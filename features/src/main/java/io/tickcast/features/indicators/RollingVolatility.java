package io.tickcast.features.indicators;

/**
 * Sample standard deviation (divide by {@code period - 1}) of the last {@code period} one-bar log
 * returns ln(close / previous close), not annualized. Ready once {@code period} returns exist, at
 * bar {@code period + 1}. (ta4j has no such indicator; the test oracle is its population
 * {@code VarianceIndicator} over the log returns, rescaled by period / (period - 1).)
 */
public final class RollingVolatility {
  private final RollingWindow returns;
  private double previousClose;
  private long bars;

  public RollingVolatility(int period) {
    this(new RollingWindow(period), Double.NaN, 0);
    if (period < 2) {
      throw new IllegalArgumentException("period must be >= 2: " + period);
    }
  }

  private RollingVolatility(RollingWindow returns, double previousClose, long bars) {
    this.returns = returns;
    this.previousClose = previousClose;
    this.bars = bars;
  }

  public static RollingVolatility fromState(State s) {
    return new RollingVolatility(
        RollingWindow.fromState(s.returns()), s.previousClose(), s.bars());
  }

  public void update(double close) {
    if (bars > 0) {
      returns.push(Math.log(close / previousClose));
    }
    previousClose = close;
    bars++;
  }

  public boolean isReady() {
    return returns.isFull();
  }

  public double value() {
    return Math.sqrt(returns.m2() / (returns.count() - 1));
  }

  public State state() {
    return new State(returns.state(), previousClose, bars);
  }

  public record State(RollingWindow.State returns, double previousClose, long bars) {}
}
