package io.tickcast.model;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

/**
 * A one-hidden-layer perceptron: {@code y = b2 + w2 · relu(W1 z + b1)} on standardised features z.
 * The output layer is stored in return units (the target scaling used in training is folded in),
 * so Java and the ONNX graph (Gemm, Relu, Gemm) compute the same expression.
 *
 * @param w1 hidden weights, row-major [hidden][features]
 */
public record Mlp(Standardizer standardizer, int hidden, double[] w1, double[] b1, double[] w2, double b2)
    implements Regressor {

  public Mlp {
    int f = standardizer.size();
    if (w1.length != hidden * f || b1.length != hidden || w2.length != hidden) {
      throw new IllegalArgumentException("inconsistent MLP shapes for " + hidden + "x" + f);
    }
  }

  @Override
  public ModelKind kind() {
    return ModelKind.MLP;
  }

  @Override
  public double predictStandardized(double[] z, int offset) {
    int f = standardizer.size();
    double out = b2;
    for (int k = 0; k < hidden; k++) {
      double a = b1[k];
      int row = k * f;
      for (int j = 0; j < f; j++) {
        a += w1[row + j] * z[offset + j];
      }
      if (a > 0.0) {
        out += w2[k] * a;
      }
    }
    return out;
  }

  @Override
  public ONNXRef<?> writeOnnx(ONNXRef<?> standardized) {
    ONNXContext ctx = standardized.onnxContext();
    int f = standardizer.size();
    var hiddenWeights = ctx.floatTensor("mlp_w1", List.of(hidden, f), buf -> putAll(buf, w1));
    var hiddenBias = ctx.floatTensor("mlp_b1", List.of(hidden), buf -> putAll(buf, b1));
    var outputWeights = ctx.floatTensor("mlp_w2", List.of(1, hidden), buf -> putAll(buf, w2));
    var outputBias = ctx.array("mlp_b2", new float[] {(float) b2});
    Map<String, Object> transposeB = Map.of("transB", 1);
    var preActivation =
        ctx.operation(ONNXOperators.GEMM, List.of(standardized, hiddenWeights, hiddenBias), "mlp_hidden", transposeB);
    var activation = ctx.operation(OnnxExport.Relu.INSTANCE, List.of(preActivation), "mlp_relu", Map.of());
    return ctx.operation(ONNXOperators.GEMM, List.of(activation, outputWeights, outputBias), "mlp_output", transposeB);
  }

  private static void putAll(FloatBuffer buf, double[] values) {
    for (double v : values) {
      buf.put((float) v);
    }
  }
}
