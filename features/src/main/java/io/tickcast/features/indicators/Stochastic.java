package io.tickcast.features.indicators;

/**
 * Stochastic oscillator as ta4j: %K = (close - lowest low) / (highest high - lowest low) × 100 over
 * {@code kPeriod} bars ({@code StochasticOscillatorKIndicator}), %D = SMA of %K over
 * {@code dPeriod} ({@code StochasticOscillatorDIndicator}). %K is ready at bar {@code kPeriod}, %D
 * at bar {@code kPeriod + dPeriod - 1}.
 *
 * <p>When the highest high equals the lowest low (no range in the window) %K is undefined (NaN, as
 * ta4j's division by zero) and %D is undefined while such a %K is among its inputs. (ta4j's running
 * sum would stay NaN forever after; here %D recovers once the window has moved past it.)
 */
public final class Stochastic {
  private final RollingExtremum highest;
  private final RollingExtremum lowest;
  private final RollingWindow kWindow;
  private final int kPeriod;
  private double k;
  private int definedRun;
  private long bars;

  public Stochastic(int kPeriod, int dPeriod) {
    this(RollingExtremum.max(kPeriod), RollingExtremum.min(kPeriod), new RollingWindow(dPeriod),
        kPeriod, Double.NaN, 0, 0);
  }

  private Stochastic(
      RollingExtremum highest,
      RollingExtremum lowest,
      RollingWindow kWindow,
      int kPeriod,
      double k,
      int definedRun,
      long bars) {
    this.highest = highest;
    this.lowest = lowest;
    this.kWindow = kWindow;
    this.kPeriod = kPeriod;
    this.k = k;
    this.definedRun = definedRun;
    this.bars = bars;
  }

  public static Stochastic fromState(State s) {
    return new Stochastic(
        RollingExtremum.fromState(s.highest()),
        RollingExtremum.fromState(s.lowest()),
        RollingWindow.fromState(s.kWindow()),
        s.kPeriod(),
        s.k(),
        s.definedRun(),
        s.bars());
  }

  public void update(double high, double low, double close) {
    highest.push(high);
    lowest.push(low);
    double hh = highest.value();
    double ll = lowest.value();
    bars++;
    if (hh == ll) {
      k = Double.NaN;
      definedRun = 0;
      // A placeholder keeps the window's sums finite; %D is not reported while it is inside.
      kWindow.push(0.0);
    } else {
      k = (close - ll) / (hh - ll) * 100.0;
      definedRun = Math.min(definedRun + 1, kWindow.capacity());
      kWindow.push(k);
    }
  }

  public boolean isReady() {
    return bars >= kPeriod;
  }

  public boolean isDReady() {
    return bars >= kPeriod + kWindow.capacity() - 1;
  }

  /** %K, NaN when the window has no range. */
  public double k() {
    return k;
  }

  /** %D, NaN while an undefined %K is in its window. */
  public double d() {
    return definedRun >= kWindow.capacity() ? kWindow.mean() : Double.NaN;
  }

  public State state() {
    return new State(
        highest.state(), lowest.state(), kWindow.state(), kPeriod, k, definedRun, bars);
  }

  public record State(
      RollingExtremum.State highest,
      RollingExtremum.State lowest,
      RollingWindow.State kWindow,
      int kPeriod,
      double k,
      int definedRun,
      long bars) {}
}
