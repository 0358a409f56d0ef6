package io.tickcast.features.indicators;

/**
 * Bollinger bands of the close over {@code period} bars, as ta4j 0.17: middle = SMA, upper/lower =
 * middle ± k·σ where σ is the POPULATION standard deviation (divide by {@code period}), which is
 * what ta4j's {@code StandardDeviationIndicator}/{@code VarianceIndicator} compute. %B = (close -
 * lower) / (upper - lower) ({@code PercentBIndicator}); width = (upper - lower) / middle × 100, in
 * percent ({@code BollingerBandWidthIndicator}). Ready once the window is full.
 *
 * <p>With all closes in the window equal, σ is exactly 0: width is 0 and %B is undefined (NaN, as
 * ta4j's division by zero).
 */
public final class Bollinger {
  private final RollingWindow window;
  private final double k;

  public Bollinger(int period, double k) {
    this(new RollingWindow(period), k);
  }

  private Bollinger(RollingWindow window, double k) {
    this.window = window;
    this.k = k;
  }

  public static Bollinger fromState(State s) {
    return new Bollinger(RollingWindow.fromState(s.window()), s.k());
  }

  public void update(double close) {
    window.push(close);
  }

  public boolean isReady() {
    return window.isFull();
  }

  public double middle() {
    return window.mean();
  }

  private double deviation() {
    return Math.sqrt(window.m2() / window.count());
  }

  public double upper() {
    return middle() + deviation() * k;
  }

  public double lower() {
    return middle() - deviation() * k;
  }

  public double percentB() {
    double upper = upper();
    double lower = lower();
    return upper == lower ? Double.NaN : (window.latest() - lower) / (upper - lower);
  }

  public double width() {
    return (upper() - lower()) / middle() * 100.0;
  }

  public State state() {
    return new State(window.state(), k);
  }

  public record State(RollingWindow.State window, double k) {}
}
