package io.tickcast.features.indicators;

/**
 * Exponential moving average {@code v = (x - v) * alpha + v}, seeded with the first input (as
 * ta4j's {@code AbstractEMAIndicator}, same operation order, so values are bitwise equal to it).
 * Ready after {@code period} inputs: before that the seed still weighs heavily.
 *
 * <p>{@link #of} uses {@code alpha = 2 / (period + 1)} (ta4j {@code EMAIndicator}); {@link #wilder}
 * uses {@code alpha = 1 / period} (Wilder's smoothing, ta4j {@code MMAIndicator}), for RSI and ATR.
 */
public final class Ema {
  private final int period;
  private final double alpha;
  private long count;
  private double value;

  private Ema(int period, double alpha, long count, double value) {
    if (period < 1) {
      throw new IllegalArgumentException("period must be >= 1: " + period);
    }
    this.period = period;
    this.alpha = alpha;
    this.count = count;
    this.value = value;
  }

  public static Ema of(int period) {
    return new Ema(period, 2.0 / (period + 1), 0, Double.NaN);
  }

  public static Ema wilder(int period) {
    return new Ema(period, 1.0 / period, 0, Double.NaN);
  }

  public static Ema fromState(State s) {
    return new Ema(s.period(), s.alpha(), s.count(), s.value());
  }

  public void update(double x) {
    value = count == 0 ? x : (x - value) * alpha + value;
    count++;
  }

  public boolean isReady() {
    return count >= period;
  }

  public long count() {
    return count;
  }

  /** The current average (NaN before the first input). */
  public double value() {
    return value;
  }

  public State state() {
    return new State(period, alpha, count, value);
  }

  public record State(int period, double alpha, long count, double value) {}
}
