package io.tickcast.model;

import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * z = (x - mean) / scale per feature, with mean and (sample) standard deviation fitted on the
 * training window only; a constant feature gets scale 1. Part of every exported ONNX graph.
 */
public record Standardizer(double[] mean, double[] scale) {

  public static Standardizer fit(Dataset train) {
    int f = train.featureCount();
    double[] mean = new double[f];
    double[] scale = new double[f];
    for (int j = 0; j < f; j++) {
      SummaryStatistics stats = new SummaryStatistics();
      for (int r = 0; r < train.size(); r++) {
        stats.addValue(train.feature(r, j));
      }
      mean[j] = stats.getMean();
      double sd = stats.getStandardDeviation();
      scale[j] = sd > 0.0 && Double.isFinite(sd) ? sd : 1.0;
    }
    return new Standardizer(mean, scale);
  }

  public int size() {
    return mean.length;
  }

  public double apply(int column, double x) {
    return (x - mean[column]) / scale[column];
  }

  /** Row-major standardised features of every row. */
  public double[] applyAll(Dataset d) {
    int f = d.featureCount();
    double[] z = new double[d.size() * f];
    for (int r = 0; r < d.size(); r++) {
      for (int j = 0; j < f; j++) {
        z[r * f + j] = apply(j, d.feature(r, j));
      }
    }
    return z;
  }
}
