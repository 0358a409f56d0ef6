package io.tickcast.features.indicators;

/**
 * Log return over {@code horizon} bars, ln(close / close {@code horizon} bars earlier). Ready at
 * bar {@code horizon + 1}.
 */
public final class LogReturn {
  private final RollingWindow closes;

  public LogReturn(int horizon) {
    this(new RollingWindow(horizon + 1));
  }

  private LogReturn(RollingWindow closes) {
    this.closes = closes;
  }

  public static LogReturn fromState(State s) {
    return new LogReturn(RollingWindow.fromState(s.closes()));
  }

  public void update(double close) {
    closes.push(close);
  }

  public boolean isReady() {
    return closes.isFull();
  }

  public double value() {
    return Math.log(closes.latest() / closes.get(0));
  }

  public State state() {
    return new State(closes.state());
  }

  public record State(RollingWindow.State closes) {}
}
