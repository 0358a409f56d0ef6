package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tickcast.model.WalkForwardSplit.Segment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelArtifactTest {

  @Test
  void theDefaultModelMatchesThisBuildsFeaturesAndPredictsReturns() throws Exception {
    ModelArtifact model = ModelArtifact.loadDefault();
    ModelMetadata m = model.metadata();

    assertThat(m.featureSchema()).isEqualTo(FeatureSchema.current());
    assertThat(m.horizon()).isEqualTo(1);
    assertThat(m.training().to()).isBefore(WalkForwardSplit.standard().trainEnd().plusDays(1));
    assertThat(model.onnx().length).isLessThan(16 * 1024);

    var files = TrainPipeline.files(TestData.subsetDir(), List.of("MSFT"));
    Dataset all = new DatasetBuilder(1).read(files, Progress.silent()).dataset();
    Dataset test = TrainPipeline.partition(all, WalkForwardSplit.standard()).get(Segment.TEST);
    double[][] x = new double[test.size()][];
    Arrays.setAll(x, test::features);
    try (OnnxPredictor p = OnnxPredictor.load(model.onnx(), m.featureSchema().size())) {
      double[] y = p.predict(x);
      assertThat(y).hasSize(test.size());
      assertThat(Arrays.stream(y).map(Math::abs).max().orElseThrow()).isLessThan(0.05);
      assertThat(Arrays.stream(y).distinct().count()).isGreaterThan(100);
    }
  }

  @Test
  void refusesBytesThatDoNotMatchTheMetadata() throws Exception {
    ModelArtifact model = ModelArtifact.loadDefault();
    byte[] tampered = model.onnx().clone();
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> new ModelArtifact(model.metadata(), tampered))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SHA-256");
  }
}
