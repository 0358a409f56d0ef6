package io.tickcast.model;

/**
 * Point-forecast errors on a window, in log-return units.
 *
 * @param directionalAccuracy share of rows with a non-zero label whose predicted sign matches it; a
 *     prediction of exactly 0 counts as half a hit, so the random walk scores 0.5 by definition
 */
public record PointMetrics(int n, double mae, double rmse, double directionalAccuracy) {

  public static PointMetrics of(double[] predictions, double[] labels) {
    int n = labels.length;
    if (predictions.length != n || n == 0) {
      throw new IllegalArgumentException("need equally many predictions and labels, at least one");
    }
    double abs = 0.0;
    double sq = 0.0;
    double hits = 0.0;
    int directional = 0;
    for (int i = 0; i < n; i++) {
      double e = predictions[i] - labels[i];
      abs += Math.abs(e);
      sq += e * e;
      if (labels[i] != 0.0) {
        directional++;
        double p = Math.signum(predictions[i]);
        hits += p == 0.0 ? 0.5 : (p == Math.signum(labels[i]) ? 1.0 : 0.0);
      }
    }
    return new PointMetrics(n, abs / n, Math.sqrt(sq / n), directional == 0 ? 0.5 : hits / directional);
  }
}
