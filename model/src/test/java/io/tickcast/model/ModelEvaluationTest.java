package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tickcast.model.EvaluationReport.SegmentResult;
import io.tickcast.model.ModelEvaluation.Report;
import io.tickcast.model.ModelMetadata.Window;
import io.tickcast.model.WalkForwardSplit.Segment;
import io.tickcast.protocols.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped default model, trained on the committed 20-ticker subset, judged on that subset. */
class ModelEvaluationTest {

  private static ModelArtifact model;
  private static DatasetBuilder.Result data;

  @BeforeAll
  static void readTheSubsetOnce() throws Exception {
    model = ModelArtifact.loadDefault();
    data = new DatasetBuilder(model.metadata().horizon())
        .read(TrainPipeline.files(TestData.subsetDir(), List.of()), Progress.silent());
  }

  @Test
  void onItsTestWindowTheModelReproducesTheTestMetricsOfItsMetadata() throws Exception {
    ModelMetadata m = model.metadata();
    Report r = evaluate(m.test());

    // The same rows as training's test and held-out test windows.
    Map<Segment, Dataset> split = TrainPipeline.partition(data.dataset(), WalkForwardSplit.standard());
    assertThat(r.segments().get(ModelEvaluation.OTHER).rows()).isEqualTo(split.get(Segment.TEST).size());
    assertThat(r.segments().get(ModelEvaluation.HELD_OUT).rows()).isEqualTo(split.get(Segment.HOLDOUT_TEST).size());
    assertThat(r.segments().get(ModelEvaluation.HELD_OUT).tickers()).isEqualTo(3);
    assertThat(r.modelTestWindow()).isTrue();

    // testMetrics came from the Java model in double precision, this from ONNX Runtime in float32:
    // predictions differ by ~1e-9 (the parity of the README), the means of errors by less.
    PointMetrics expected = m.testMetrics();
    PointMetrics actual = model(r, ModelEvaluation.OTHER).point();
    assertThat(actual.n()).isEqualTo(expected.n());
    assertThat(actual.mae()).isCloseTo(expected.mae(), within(1e-9));
    assertThat(actual.rmse()).isCloseTo(expected.rmse(), within(1e-9));
    assertThat(actual.directionalAccuracy()).isCloseTo(expected.directionalAccuracy(), within(1e-9));

    // train_mean is recomputed from exactly the model's training rows.
    assertThat(r.trainMean().rows()).isEqualTo(m.trainingRows());
    assertThat(r.forecasters()).extracting(EvaluationReport.ForecasterReport::name)
        .containsExactly("linear", "random_walk", "train_mean", "last_return");
    assertThat(r.ortRepeat().rows()).isEqualTo(11_580 / 2); // every second row: at most 10,000
    assertThat(r.ortRepeat().maxAbsDiff()).isLessThan(1e-9);
    assertThat(r.notes()).noneMatch(n -> n.contains("in-sample") || n.contains("validation window"));
  }

  @Test
  void intervalsAsServedCoverWhatTheCalibrationImplies() throws Exception {
    ModelMetadata m = model.metadata();
    // On the calibration window itself, served intervals reproduce the calibration's coverage and
    // width: exactly here, though a label within float32 rounding of a bound could move it by 1/n.
    Report validation = evaluate(m.validation());
    List<IntervalMetrics> served = model(validation, ModelEvaluation.OTHER).intervals();
    for (int l = 0; l < m.intervals().size(); l++) {
      IntervalMetrics calibrated = m.intervals().get(l);
      assertThat(served.get(l).level()).isEqualTo(calibrated.level());
      assertThat(served.get(l).quantile()).isEqualTo(calibrated.quantile());
      assertThat(served.get(l).coverage()).isEqualTo(calibrated.coverage());
      assertThat(served.get(l).meanWidth()).isCloseTo(calibrated.meanWidth(), within(1e-15));
    }
    assertThat(validation.notes()).anyMatch(note -> note.contains("validation window"));

    // Out of sample, coverage stays near the nominal level.
    for (String segment : List.of(ModelEvaluation.OTHER, ModelEvaluation.HELD_OUT)) {
      for (IntervalMetrics im : model(evaluate(m.test()), segment).intervals()) {
        assertThat(im.coverage()).isCloseTo(im.level(), within(0.02));
      }
    }
  }

  @Test
  void aModelWhoseFeatureSchemaWasTamperedWithIsRefused(@TempDir Path dir) throws Exception {
    ObjectNode json = (ObjectNode) Json.MAPPER.valueToTree(model.metadata());
    ArrayNode names = (ArrayNode) json.get("featureSchema").get("names");
    names.set(0, names.get(1).deepCopy());
    Path metadata = dir.resolve("linear.json");
    Json.MAPPER.writeValue(metadata.toFile(), json);
    Files.write(dir.resolve(model.metadata().onnxFile()), model.onnx());

    assertThatThrownBy(() -> ModelArtifact.load(metadata))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("feature schema mismatch: model expects");
  }

  @Test
  void aWindowWithoutRowsIsAClearError() {
    assertThatThrownBy(() -> evaluate(new Window(LocalDate.of(2030, 1, 1), LocalDate.of(2030, 12, 31))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no rows with an as-of date in 2030-01-01 .. 2030-12-31 (the labelled rows of "
            + TestData.subsetDir() + " span 1999-12-17 .. 2021-04-20)");
    assertThatThrownBy(() -> new ModelEvaluation.Options(model, TestData.subsetDir(), List.of(),
            LocalDate.of(2021, 1, 1), LocalDate.of(2020, 1, 1), Path.of("out")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the window is empty: --from 2021-01-01 is after --to 2020-01-01");
  }

  @Test
  void writesTheReportAsMarkdownJsonAndChart(@TempDir Path out) throws Exception {
    var o = new ModelEvaluation.Options(model, TestData.subsetDir(), List.of("AIG", "MSFT"),
        LocalDate.of(2020, 1, 1), null, out);
    ModelEvaluation.Result r = ModelEvaluation.run(o, Progress.silent());

    assertThat(Files.size(r.chart())).isGreaterThan(10_000);
    assertThat(Json.MAPPER.readTree(r.json().toFile()).get("model").get("version").asText())
        .isEqualTo(model.metadata().version());
    assertThat(Files.readString(r.markdown()))
        .contains("as-of dates 2020-01-01 .. end", "## The model's held-out tickers (AIG, IBM, WMT)", "| linear |",
            "| train_mean |", "NO transaction costs")
        .doesNotContain("Against the metadata's test metrics");
    assertThat(r.report().segments().get(ModelEvaluation.HELD_OUT).tickers()).isEqualTo(1);
    assertThat(r.report().notes()).anyMatch(n -> n.startsWith("train_mean is the mean of"));
  }

  private static Report evaluate(Window window) throws Exception {
    return ModelEvaluation.evaluate(model, data, TestData.subsetDir().toString(), window, new LinkedHashMap<>(),
        Progress.silent()).report();
  }

  private static SegmentResult model(Report r, String segment) {
    return r.forecaster(model.metadata().kind()).results().get(segment);
  }
}
