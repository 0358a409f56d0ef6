package io.tickcast.model;

import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Ridge regression on standardised features: minimises {@code Σ (y - ȳ - z·β)² + l2 · n · |β|²},
 * solved exactly from the normal equations by Cholesky; the intercept ȳ is not penalised. Exact
 * and deterministic, where SGD would only approach the same β.
 */
public record RidgeRegression(Standardizer standardizer, double intercept, double[] coefficients)
    implements Regressor {

  /** @param l2 penalty per training row, so its effect does not shrink as data grows */
  public static RidgeRegression fit(Dataset train, Standardizer standardizer, double l2) {
    int f = train.featureCount();
    int n = train.size();
    if (n <= f) {
      throw new IllegalArgumentException("need more rows than features to fit, got " + n);
    }
    double yMean = 0.0;
    for (int r = 0; r < n; r++) {
      yMean += train.label(r);
    }
    yMean /= n;
    double[][] gram = new double[f][f];
    double[] rhs = new double[f];
    double[] z = new double[f];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < f; j++) {
        z[j] = standardizer.apply(j, train.feature(r, j));
      }
      double y = train.label(r) - yMean;
      for (int i = 0; i < f; i++) {
        rhs[i] += z[i] * y;
        for (int j = 0; j <= i; j++) {
          gram[i][j] += z[i] * z[j];
        }
      }
    }
    for (int i = 0; i < f; i++) {
      gram[i][i] += l2 * n;
      for (int j = 0; j < i; j++) {
        gram[j][i] = gram[i][j];
      }
    }
    double[] beta =
        new CholeskyDecomposition(MatrixUtils.createRealMatrix(gram))
            .getSolver()
            .solve(new ArrayRealVector(rhs, false))
            .toArray();
    return new RidgeRegression(standardizer, yMean, beta);
  }

  @Override
  public ModelKind kind() {
    return ModelKind.LINEAR;
  }

  @Override
  public double predictStandardized(double[] z, int offset) {
    double sum = intercept;
    for (int j = 0; j < coefficients.length; j++) {
      sum += coefficients[j] * z[offset + j];
    }
    return sum;
  }

  @Override
  public ONNXRef<?> writeOnnx(ONNXRef<?> standardized) {
    ONNXContext ctx = standardized.onnxContext();
    var weights =
        ctx.floatTensor(
            "ridge_weights",
            List.of(coefficients.length, 1),
            buf -> {
              for (double c : coefficients) {
                buf.put((float) c);
              }
            });
    var bias = ctx.array("ridge_bias", new float[] {(float) intercept});
    return ctx.operation(ONNXOperators.GEMM, List.of(standardized, weights, bias), "ridge_output", Map.of());
  }
}
