package io.tickcast.features.indicators;

import java.util.Arrays;

/**
 * The most recent {@code capacity} values with their running sum and M2 (sum of squared deviations
 * from the mean), all in primitive fields: {@link #push} is amortized O(1) and never allocates.
 *
 * <p>M2 is maintained with the sliding Welford update rather than a running sum of squares, which
 * would cancel catastrophically for prices (mean large compared with the spread). Both sums are
 * recomputed exactly (two passes over the ring) every time the ring wraps, so floating-point drift
 * never accumulates over more than {@code capacity} updates.
 *
 * <p>A window whose values are all bitwise equal is detected in O(1) ({@link #isConstant()}); its
 * sum, mean and M2 are then derived from the value itself (M2 exactly 0), not from the running
 * sums, which can hold a rounding residue (20 × 13.37 summed and divided by 20 is not exactly
 * 13.37; a window of zero volumes can keep a tiny non-zero sum left over from larger values that
 * slid out).
 */
public final class RollingWindow {
  private final double[] ring;
  private int head;
  private int count;
  private double sum;
  private double m2;
  private int equalRun;

  public RollingWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    this.ring = new double[capacity];
  }

  public static RollingWindow fromState(State s) {
    double[] ring = s.ring();
    RollingWindow w = new RollingWindow(ring.length);
    System.arraycopy(ring, 0, w.ring, 0, ring.length);
    w.head = s.head();
    w.count = s.count();
    w.sum = s.sum();
    w.m2 = s.m2();
    w.equalRun = s.equalRun();
    return w;
  }

  /** Adds {@code x} (finite), evicting the oldest value once the window is full. */
  public void push(double x) {
    int n = ring.length;
    equalRun = count > 0 && x == latest() ? Math.min(equalRun + 1, n) : 1;
    if (count == n) {
      double old = ring[head];
      double oldMean = sum / n;
      sum = sum + x - old;
      m2 += (x - old) * (x - sum / n + old - oldMean);
    } else {
      double oldMean = count == 0 ? 0.0 : sum / count;
      sum += x;
      count++;
      m2 += (x - oldMean) * (x - sum / count);
    }
    ring[head] = x;
    head = head + 1 == n ? 0 : head + 1;
    if (head == 0) {
      recompute();
    }
  }

  // Only called when the ring has just wrapped, so it is full and the oldest value is at index 0.
  private void recompute() {
    double s = 0.0;
    for (double v : ring) {
      s += v;
    }
    double mean = s / ring.length;
    double d2 = 0.0;
    for (double v : ring) {
      double d = v - mean;
      d2 += d * d;
    }
    sum = s;
    m2 = d2;
  }

  public int capacity() {
    return ring.length;
  }

  public int count() {
    return count;
  }

  public boolean isFull() {
    return count == ring.length;
  }

  /** True right after a push that completed a cycle of the ring, i.e. recomputed the sums. */
  public boolean wrapped() {
    return head == 0 && count == ring.length;
  }

  /** True when every value in the (non-empty) window is bitwise equal to the latest one. */
  public boolean isConstant() {
    return count > 0 && equalRun >= count;
  }

  public double latest() {
    return ring[head == 0 ? ring.length - 1 : head - 1];
  }

  /** The {@code i}-th value counting from the oldest one still in the window (0-based). */
  public double get(int i) {
    int start = count == ring.length ? head : 0;
    int j = start + i;
    return ring[j >= ring.length ? j - ring.length : j];
  }

  public double sum() {
    return isConstant() ? latest() * count : sum;
  }

  public double mean() {
    return isConstant() ? latest() : sum / count;
  }

  /** Sum of squared deviations from the mean; exactly 0 for a constant window, never negative. */
  public double m2() {
    return isConstant() ? 0.0 : Math.max(m2, 0.0);
  }

  public State state() {
    return new State(ring, head, count, sum, m2, equalRun);
  }

  /**
   * Exact copy of the window: the raw ring (not reordered, so the wrap-time recomputation happens
   * at the same update after a restore) and the running sums as they are, not recomputed.
   */
  public record State(double[] ring, int head, int count, double sum, double m2, int equalRun) {
    public State {
      ring = ring.clone();
      if (ring.length == 0 || head < 0 || head >= ring.length || count < 0 || count > ring.length) {
        throw new IllegalArgumentException("inconsistent rolling window state");
      }
    }

    @Override
    public double[] ring() {
      return ring.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof State s
          && Arrays.equals(ring, s.ring)
          && head == s.head
          && count == s.count
          && Double.compare(sum, s.sum) == 0
          && Double.compare(m2, s.m2) == 0
          && equalRun == s.equalRun;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(ring) + Double.hashCode(sum) + 17 * Double.hashCode(m2) + head;
    }

    @Override
    public String toString() {
      return "RollingWindow.State[ring=" + Arrays.toString(ring) + ", head=" + head + ", count="
          + count + ", sum=" + sum + ", m2=" + m2 + ", equalRun=" + equalRun + "]";
    }
  }
}
