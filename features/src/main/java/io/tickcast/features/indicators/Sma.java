package io.tickcast.features.indicators;

/** Simple moving average of the last {@code period} inputs; ready once the window is full. */
public final class Sma {
  private final RollingWindow window;

  public Sma(int period) {
    this(new RollingWindow(period));
  }

  private Sma(RollingWindow window) {
    this.window = window;
  }

  public static Sma fromState(State s) {
    return new Sma(RollingWindow.fromState(s.window()));
  }

  public void update(double x) {
    window.push(x);
  }

  public boolean isReady() {
    return window.isFull();
  }

  public double value() {
    return window.mean();
  }

  public State state() {
    return new State(window.state());
  }

  public record State(RollingWindow.State window) {}
}
