package io.tickcast.model;

import org.tribuo.util.onnx.ONNXRef;

/**
 * A trained model: predicts the h-bar log return from one row of {@link FeatureSchema} features
 * (raw, as {@code FeatureVector.of} gives them; the model standardises them itself).
 */
public sealed interface Regressor permits RidgeRegression, Mlp {

  ModelKind kind();

  Standardizer standardizer();

  /** The prediction for standardised features {@code z[offset .. offset + F)}. */
  double predictStandardized(double[] z, int offset);

  /**
   * Adds the model to an ONNX graph whose {@code standardized} node holds the [N, F] standardised
   * features; returns the [N, 1] prediction node.
   */
  ONNXRef<?> writeOnnx(ONNXRef<?> standardized);

  default double predict(double[] features) {
    Standardizer s = standardizer();
    double[] z = new double[features.length];
    for (int j = 0; j < z.length; j++) {
      z[j] = s.apply(j, features[j]);
    }
    return predictStandardized(z, 0);
  }

  /** Predictions for every row, in row order. */
  default double[] predict(Dataset d) {
    double[] z = standardizer().applyAll(d);
    double[] out = new double[d.size()];
    for (int r = 0; r < out.length; r++) {
      out[r] = predictStandardized(z, r * d.featureCount());
    }
    return out;
  }
}
