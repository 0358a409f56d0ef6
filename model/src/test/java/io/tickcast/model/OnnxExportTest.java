package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import io.tickcast.model.WalkForwardSplit.Segment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxExportTest {
  private static Map<Segment, Dataset> parts;
  private static Standardizer standardizer;

  @BeforeAll
  static void realRows() throws Exception {
    var files = TrainPipeline.files(TestData.subsetDir(), List.of("AAPL", "JPM", "XOM"));
    Dataset all = new DatasetBuilder(1).read(files, Progress.silent()).dataset();
    parts = TrainPipeline.partition(all, WalkForwardSplit.standard());
    standardizer = Standardizer.fit(parts.get(Segment.TRAIN));
  }

  @Test
  void linearModelRunsInOnnxRuntimeAsInJava() throws Exception {
    RidgeRegression ridge = RidgeRegression.fit(parts.get(Segment.TRAIN), standardizer, 1e-3);
    byte[] onnx = OnnxExport.toBytes(ridge, "linear", Map.of("kind", "linear"));

    assertParity(onnx, ridge);
    assertThat(opTypes(onnx)).containsExactly("Sub", "Div", "Gemm", "Identity");
  }

  @Test
  void mlpRunsInOnnxRuntimeAsInJava() throws Exception {
    Mlp mlp = new MlpTrainer(new MlpTrainer.Config(16, 2, 256, 1e-3, 1e-4, 1.0), 42)
        .train(parts.get(Segment.TRAIN), parts.get(Segment.VALIDATE), standardizer, Progress.silent());
    byte[] onnx = OnnxExport.toBytes(mlp, "mlp", Map.of("kind", "mlp", "horizon", "1"));

    assertParity(onnx, mlp);
    OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(onnx);
    assertThat(opTypes(onnx)).containsExactly("Sub", "Div", "Gemm", "Relu", "Gemm", "Identity");
    assertThat(proto.getGraph().getInput(0).getName()).isEqualTo("input");
    assertThat(proto.getGraph().getOutput(0).getName()).isEqualTo("output");
    assertThat(proto.getMetadataPropsList()).extracting(OnnxMl.StringStringEntryProto::getKey).containsExactly("horizon", "kind");
  }

  /** Every validation and test row: ONNX Runtime (float32) within 1e-5 of the Java model (double). */
  private static void assertParity(byte[] onnx, Regressor model) throws Exception {
    for (Segment s : List.of(Segment.VALIDATE, Segment.TEST)) {
      Dataset d = parts.get(s);
      double[][] x = new double[d.size()][];
      Arrays.setAll(x, d::features);
      double[] java = model.predict(d);
      try (OnnxPredictor ort = OnnxPredictor.load(onnx, d.featureCount())) {
        double[] onnxOut = ort.predict(x);
        assertThat(onnxOut).hasSize(d.size());
        for (int i = 0; i < java.length; i++) {
          assertThat(Math.abs(onnxOut[i] - java[i])).as("row %d of %s", i, s).isLessThanOrEqualTo(1e-5);
        }
        assertThat(ort.predict(x[0])).isEqualTo(onnxOut[0]);
      }
      assertThat(TrainPipeline.onnxParity(onnx, model, d)).isLessThanOrEqualTo(1e-5);
    }
  }

  private static List<String> opTypes(byte[] onnx) throws Exception {
    return OnnxMl.ModelProto.parseFrom(onnx).getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
  }
}
