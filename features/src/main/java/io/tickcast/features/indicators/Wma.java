package io.tickcast.features.indicators;

/**
 * Linearly weighted moving average over {@code period} inputs, weights 1 (oldest) to {@code period}
 * (newest), divided by {@code period (period + 1) / 2}, as ta4j {@code WMAIndicator}. Ready once
 * the window is full.
 *
 * <p>O(1): sliding the window lowers every remaining weight by one, so the weighted sum loses the
 * plain sum of the previous window and gains {@code period × x}. It is recomputed exactly whenever
 * the underlying window recomputes its sums, which bounds the drift.
 */
public final class Wma {
  private final RollingWindow window;
  private double weightedSum;

  public Wma(int period) {
    this(new RollingWindow(period), 0.0);
  }

  private Wma(RollingWindow window, double weightedSum) {
    this.window = window;
    this.weightedSum = weightedSum;
  }

  public static Wma fromState(State s) {
    return new Wma(RollingWindow.fromState(s.window()), s.weightedSum());
  }

  public void update(double x) {
    int n = window.capacity();
    if (window.isFull()) {
      weightedSum = weightedSum - window.sum() + n * x;
    } else {
      weightedSum += (window.count() + 1) * x;
    }
    window.push(x);
    if (window.wrapped()) {
      double exact = 0.0;
      for (int i = 0; i < n; i++) {
        exact += (i + 1) * window.get(i);
      }
      weightedSum = exact;
    }
  }

  public boolean isReady() {
    return window.isFull();
  }

  public double value() {
    if (window.isConstant()) {
      return window.latest();
    }
    int n = window.capacity();
    return weightedSum / (n * (n + 1) / 2);
  }

  public State state() {
    return new State(window.state(), weightedSum);
  }

  public record State(RollingWindow.State window, double weightedSum) {}
}
