package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tickcast.protocols.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainPipelineTest {

  @Test
  void trainsEvaluatesAndExportsEveryModelKind(@TempDir Path out) throws Exception {
    // AIG is held out by hash, so the held-out test window has rows too.
    TrainPipeline.Options o = options(out, 5);

    TrainPipeline.Result r = TrainPipeline.run(o, Progress.silent());

    assertThat(r.markdown()).exists();
    assertThat(r.chart()).exists();
    assertThat(Files.size(r.chart())).isGreaterThan(10_000);
    JsonNode json = Json.MAPPER.readTree(r.json().toFile());
    assertThat(json.get("horizon").asInt()).isEqualTo(5);
    assertThat(json.get("heldOutTickers").get(0).asText()).isEqualTo("AIG");
    assertThat(json.get("forecasters")).extracting(n -> n.get("name").asText())
        .containsExactly("linear", "mlp", "random_walk", "train_mean", "last_return");
    for (JsonNode f : json.get("forecasters")) {
      for (String segment : EvaluationReport.EVALUATED) {
        assertThat(f.get("results").get(segment).get("point").get("n").asInt()).isPositive();
      }
    }
    for (ModelKind kind : ModelKind.values()) {
      ModelArtifact artifact = ModelArtifact.load(out.resolve("models").resolve(kind.id() + ".json"));
      assertThat(artifact.metadata().horizon()).isEqualTo(5);
      assertThat(artifact.metadata().training().to()).isBefore(o.split().trainEnd());
      assertThat(artifact.metadata().intervals()).extracting(IntervalMetrics::level).containsExactly(0.8, 0.9);
      assertThat(r.report().forecasters().get(kind.ordinal()).onnxMaxAbsDiff()).isLessThanOrEqualTo(1e-5);
    }
    assertThat(Files.readString(r.markdown())).contains("| linear |", "NO transaction costs", "promotable");
  }

  @Test
  void isDeterministicForASeed(@TempDir Path a, @TempDir Path b) throws Exception {
    TrainPipeline.run(options(a, 1), Progress.silent());
    TrainPipeline.run(options(b, 1), Progress.silent());
    for (ModelKind kind : ModelKind.values()) {
      Path file = Path.of("models", kind.id() + ".onnx");
      assertThat(Files.readAllBytes(b.resolve(file))).isEqualTo(Files.readAllBytes(a.resolve(file)));
    }
    JsonNode x = Json.MAPPER.readTree(a.resolve("evaluation.json").toFile()).get("forecasters");
    JsonNode y = Json.MAPPER.readTree(b.resolve("evaluation.json").toFile()).get("forecasters");
    assertThat(y).isEqualTo(x);
  }

  private static TrainPipeline.Options options(Path out, int horizon) {
    TrainPipeline.Options d = TrainPipeline.Options.defaults(TestData.subsetDir(), out);
    return new TrainPipeline.Options(d.dataDir(), List.of("AIG", "MSFT", "KO", "CVX"), horizon, out,
        Set.of(ModelKind.values()), 42, d.split(), d.ridgeL2(), new MlpTrainer.Config(16, 2, 256, 1e-3, 1e-4, 1.0));
  }
}
