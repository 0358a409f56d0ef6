package io.tickcast.features.indicators;

import java.util.Arrays;

/**
 * Maximum (or minimum) of the last {@code window} values in amortized O(1) without allocation: a
 * monotonic deque in primitive circular arrays, holding only values that can still become the
 * extremum, each tagged with its sequence number so it expires after {@code window} pushes.
 */
public final class RollingExtremum {
  private final boolean max;
  private final double[] values;
  private final long[] sequence;
  private int first;
  private int size;
  private long pushes;

  private RollingExtremum(boolean max, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1: " + window);
    }
    this.max = max;
    this.values = new double[window];
    this.sequence = new long[window];
  }

  public static RollingExtremum max(int window) {
    return new RollingExtremum(true, window);
  }

  public static RollingExtremum min(int window) {
    return new RollingExtremum(false, window);
  }

  public static RollingExtremum fromState(State s) {
    double[] v = s.values();
    long[] q = s.sequence();
    RollingExtremum e = new RollingExtremum(s.max(), s.window());
    if (v.length != q.length || v.length > s.window()) {
      throw new IllegalArgumentException("inconsistent rolling extremum state");
    }
    System.arraycopy(v, 0, e.values, 0, v.length);
    System.arraycopy(q, 0, e.sequence, 0, q.length);
    e.size = v.length;
    e.pushes = s.pushes();
    return e;
  }

  public void push(double x) {
    int n = values.length;
    if (size > 0 && sequence[first] <= pushes - n) {
      first = first + 1 == n ? 0 : first + 1;
      size--;
    }
    while (size > 0) {
      int last = index(size - 1);
      if (max ? values[last] > x : values[last] < x) {
        break;
      }
      size--;
    }
    int slot = index(size);
    values[slot] = x;
    sequence[slot] = pushes;
    size++;
    pushes++;
  }

  private int index(int i) {
    int j = first + i;
    return j >= values.length ? j - values.length : j;
  }

  /** The extremum of the window (undefined before the first push). */
  public double value() {
    return values[first];
  }

  /** The deque from front (the current extremum) to back, so a restore need not know the layout. */
  public State state() {
    double[] v = new double[size];
    long[] q = new long[size];
    for (int i = 0; i < size; i++) {
      v[i] = values[index(i)];
      q[i] = sequence[index(i)];
    }
    return new State(max, values.length, v, q, pushes);
  }

  public record State(boolean max, int window, double[] values, long[] sequence, long pushes) {
    public State {
      values = values.clone();
      sequence = sequence.clone();
    }

    @Override
    public double[] values() {
      return values.clone();
    }

    @Override
    public long[] sequence() {
      return sequence.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof State s
          && max == s.max
          && window == s.window
          && Arrays.equals(values, s.values)
          && Arrays.equals(sequence, s.sequence)
          && pushes == s.pushes;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(values) + Arrays.hashCode(sequence) + Long.hashCode(pushes);
    }

    @Override
    public String toString() {
      return "RollingExtremum.State[max=" + max + ", window=" + window + ", values="
          + Arrays.toString(values) + ", sequence=" + Arrays.toString(sequence) + ", pushes="
          + pushes + "]";
    }
  }
}
