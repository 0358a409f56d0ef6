package io.tickcast.model;

import java.util.Arrays;

/**
 * Normalised split-conformal prediction intervals: on a calibration window, the scores {@code |y -
 * ŷ| / σ̂} are computed, and for level 1 - α the interval is {@code ŷ ± q · σ̂}, q being the ⌈(n+1)(1
 * - α)⌉-th smallest score. With exchangeable data that covers a new y with probability at least 1
 * - α; returns are not exchangeable across regimes, which is why coverage is measured, not assumed.
 *
 * <p>σ̂ is the row's own volatility_20 × √h, floored at {@link #MIN_SCALE}, so intervals widen in
 * turbulent markets.
 */
public record ConformalIntervals(double[] levels, double[] quantiles, int calibrationSize) {

  /** Keeps σ̂ positive when 20 closes were equal (volatility 0). */
  public static final double MIN_SCALE = 1e-4;

  /** σ̂ of a row with the given volatility_20 feature, for an h-bar horizon. */
  public static double scale(double volatility20, int horizon) {
    return Math.max(volatility20, MIN_SCALE) * Math.sqrt(horizon);
  }

  public static ConformalIntervals calibrate(
      double[] predictions, double[] labels, double[] scales, double... levels) {
    int n = labels.length;
    if (predictions.length != n || scales.length != n || n == 0) {
      throw new IllegalArgumentException("need equally many predictions, labels and scales, at least one");
    }
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      scores[i] = Math.abs(labels[i] - predictions[i]) / scales[i];
    }
    Arrays.sort(scores);
    double[] q = new double[levels.length];
    for (int l = 0; l < levels.length; l++) {
      if (!(levels[l] > 0 && levels[l] < 1)) {
        throw new IllegalArgumentException("level must be in (0, 1): " + levels[l]);
      }
      int k = (int) Math.ceil((n + 1) * levels[l]);
      q[l] = k > n ? Double.POSITIVE_INFINITY : scores[k - 1];
    }
    return new ConformalIntervals(levels.clone(), q, n);
  }

  /** Half the interval's width at level index {@code l} for a row of scale σ̂. */
  public double halfWidth(int l, double scale) {
    return quantiles[l] * scale;
  }

  /** Empirical coverage and mean width of every level on labelled rows. */
  public IntervalMetrics[] evaluate(double[] predictions, double[] labels, double[] scales) {
    IntervalMetrics[] out = new IntervalMetrics[levels.length];
    for (int l = 0; l < levels.length; l++) {
      long covered = 0;
      double width = 0.0;
      for (int i = 0; i < labels.length; i++) {
        double half = halfWidth(l, scales[i]);
        if (Math.abs(labels[i] - predictions[i]) <= half) {
          covered++;
        }
        width += 2 * half;
      }
      out[l] = new IntervalMetrics(levels[l], quantiles[l], (double) covered / labels.length, width / labels.length);
    }
    return out;
  }
}
