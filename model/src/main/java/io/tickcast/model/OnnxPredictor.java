package io.tickcast.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Runs an exported model with ONNX Runtime (CPU, one intra-op thread): raw feature rows in,
 * predicted log returns out. Not thread-safe per instance; close it to free the native session.
 */
public final class OnnxPredictor implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final int featureCount;

  private OnnxPredictor(OrtEnvironment env, OrtSession session, int featureCount) {
    this.env = env;
    this.session = session;
    this.featureCount = featureCount;
  }

  public static OnnxPredictor load(byte[] onnx, int featureCount) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      return new OnnxPredictor(env, env.createSession(onnx, options), featureCount);
    }
  }

  /** Predictions for rows {@code x[i]} of {@link FeatureSchema} features (float32 inside). */
  public double[] predict(double[][] x) throws OrtException {
    FloatBuffer buf = FloatBuffer.allocate(x.length * featureCount);
    for (double[] row : x) {
      if (row.length != featureCount) {
        throw new IllegalArgumentException("expected " + featureCount + " features, got " + row.length);
      }
      for (double v : row) {
        buf.put((float) v);
      }
    }
    buf.flip();
    try (OnnxTensor input = OnnxTensor.createTensor(env, buf, new long[] {x.length, featureCount});
        OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
      float[][] out = (float[][]) result.get(OnnxExport.OUTPUT).orElseThrow().getValue();
      double[] y = new double[out.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = out[i][0];
      }
      return y;
    }
  }

  public double predict(double[] features) throws OrtException {
    return predict(new double[][] {features})[0];
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
