package io.tickcast.model;

import ai.onnxruntime.OrtException;
import io.tickcast.model.EvaluationReport.ForecasterReport;
import io.tickcast.model.EvaluationReport.SegmentInfo;
import io.tickcast.model.EvaluationReport.SegmentResult;
import io.tickcast.model.ModelMetadata.Window;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Prediction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Judges an exported model on daily bars the way the live system runs it: the same point-in-time
 * features ({@link DatasetBuilder} with the model's horizon), the model's ONNX graph in ONNX
 * Runtime, intervals as {@link ServedModel} serves them; against the baselines and the
 * equal-weight long benchmark, on all tickers, on the model's held-out tickers and on the others.
 *
 * <p>A row is in the window iff its as-of date (the bar whose close the forecast is made from) is:
 * the metadata's windows are as-of date ranges, so the default window, the model's test window,
 * selects on the same data exactly the rows its {@code testMetrics} were measured on.
 */
public final class ModelEvaluation {

  public static final String ALL = "all";
  public static final String OTHER = "other_tickers";
  public static final String HELD_OUT = "held_out_tickers";
  public static final List<String> SEGMENTS = List.of(ALL, OTHER, HELD_OUT);

  static final String WINDOW_RULE =
      "a row is in the window iff its as-of date (the bar whose close the forecast is made from) is;"
          + " its label is the log return over the next h bars, which may end after the window";

  /** Rows per ONNX Runtime call: the live pool's default max-batch (tickcast.models.pool). */
  static final int BATCH = 128;

  /** At most this many rows, evenly spread, are run again one per call (~15 s for all 290,000). */
  static final int REPEAT_ROWS = 10_000;

  /**
   * @param tickers tickers to use; empty: every file in {@code dataDir}
   * @param from first as-of date, inclusive; {@code from} and {@code to} both null: the model's test
   *     window; one of them null: open on that side
   */
  public record Options(ModelArtifact model, Path dataDir, List<String> tickers, LocalDate from, LocalDate to, Path outputDir) {
    public Options {
      tickers = List.copyOf(tickers);
      if (from != null && to != null && from.isAfter(to)) {
        throw new IllegalArgumentException("the window is empty: --from " + from + " is after --to " + to);
      }
    }

    public Window window() {
      return from == null && to == null ? model.metadata().test() : new Window(from, to);
    }
  }

  /**
   * @param model the evaluated model's metadata, as loaded
   * @param window as-of dates asked for; a null end is open
   * @param trainMean the train_mean baseline's forecast, recomputed from this data
   * @param segments rows per segment ({@link #SEGMENTS})
   * @param notes what limits the reading of the figures (in-sample rows, unseen tickers)
   * @param ortRepeat how a second ONNX Runtime session, fed one row per call, agrees with the batched run
   */
  public record Report(
      Instant created,
      ModelMetadata model,
      String dataDir,
      int tickers,
      Window window,
      boolean modelTestWindow,
      String windowRule,
      DatasetBuilder.Counts counts,
      TrainMean trainMean,
      Map<String, SegmentInfo> segments,
      List<String> notes,
      String backtestRule,
      List<ForecasterReport> forecasters,
      Map<String, Backtest.Metrics> benchmark,
      OrtRepeat ortRepeat,
      Map<String, Double> timingsSeconds) {

    public ForecasterReport forecaster(String name) {
      return forecasters.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }
  }

  /**
   * The mean label of the rows of the model's training window in this data, its held-out tickers
   * excluded: the model's own training mean when the data is what it was trained on (then {@code
   * rows == modelTrainingRows}).
   *
   * @param value null when the data has no such row (the baseline is left out)
   */
  public record TrainMean(Double value, int rows, int modelTrainingRows) {}

  /** Largest |difference| between the batched outputs and those of one row per call, over {@code rows}. */
  public record OrtRepeat(int rows, double maxAbsDiff) {}

  /** What a run wrote. */
  public record Result(Report report, Path json, Path markdown, Path chart) {}

  private ModelEvaluation() {}

  /** Reads the data, evaluates and writes {@code model-evaluation.{json,md,png}} to the output directory. */
  public static Result run(Options o, Progress progress) throws IOException, OrtException {
    long start = System.nanoTime();
    List<Path> files = TrainPipeline.files(o.dataDir(), o.tickers());
    int horizon = o.model().metadata().horizon();
    progress.note("reading " + files.size() + " tickers from " + o.dataDir() + " (horizon " + horizon + ")");
    DatasetBuilder.Result data = new DatasetBuilder(horizon).read(files, progress);
    Map<String, Double> timings = new LinkedHashMap<>();
    timings.put("dataset", TrainPipeline.seconds(start));
    Evaluated e = evaluate(o.model(), data, o.dataDir().toString(), o.window(), timings, progress);
    timings.put("total", TrainPipeline.seconds(start));
    return write(e, o.outputDir(), progress);
  }

  /** A report and what its chart needs: the model's output and the backtests on all rows. */
  record Evaluated(Report report, Dataset rows, double[] output, Map<String, Backtest> backtests) {}

  /**
   * Evaluates {@code model} on the rows of {@code data} in {@code window}.
   *
   * @param timings where the steps' wall times go; the report holds it
   * @throws IllegalArgumentException when the window holds no row
   */
  static Evaluated evaluate(ModelArtifact model, DatasetBuilder.Result data, String dataDir, Window window,
      Map<String, Double> timings, Progress progress) throws OrtException {
    ModelMetadata m = model.metadata();
    Dataset all = data.dataset();
    Dataset rows = all.rows(select(all, r -> contains(window, all.epochDay(r))));
    if (rows.size() == 0) {
      SegmentInfo span = SegmentInfo.of(all);
      throw new IllegalArgumentException("no rows with an as-of date in " + describe(window)
          + " (the labelled rows of " + dataDir + " span " + describe(new Window(span.from(), span.to())) + ")");
    }
    Set<String> heldOutTickers = Set.copyOf(m.heldOutTickers());
    boolean[] heldOut = new boolean[all.tickers().size()];
    for (int t = 0; t < heldOut.length; t++) {
      heldOut[t] = heldOutTickers.contains(all.tickers().get(t));
    }
    Map<String, int[]> index = new LinkedHashMap<>();
    index.put(ALL, IntStream.range(0, rows.size()).toArray());
    index.put(OTHER, select(rows, r -> !heldOut[rows.tickerIndex(r)]));
    index.put(HELD_OUT, select(rows, r -> heldOut[rows.tickerIndex(r)]));
    Map<String, Dataset> parts = new LinkedHashMap<>();
    index.forEach((k, i) -> parts.put(k, rows.rows(i)));
    TrainMean trainMean = trainMean(all, m, heldOut);
    Inference inference = runOnnx(model, rows, timings, progress);
    double[] output = inference.output();

    long t0 = System.nanoTime();
    ServedModel served = new ServedModel(m);
    List<ForecasterReport> forecasters = new ArrayList<>();
    Map<String, SegmentResult> results = new LinkedHashMap<>();
    parts.forEach((k, d) -> {
      double[] p = pick(output, index.get(k));
      results.put(k, SegmentResult.of(d, p, d.size() == 0 ? null : servedIntervals(served, d, p)));
    });
    forecasters.add(new ForecasterReport(m.kind(), "model", m.promotable(), results, null, m.onnxFile()));
    Map<String, Backtest> backtests = new LinkedHashMap<>();
    backtests.put(m.kind(), Backtest.longShort(rows, output));
    for (Baseline baseline : Baseline.values()) {
      if (baseline == Baseline.TRAIN_MEAN && trainMean.value() == null) {
        continue;
      }
      double mean = baseline == Baseline.TRAIN_MEAN ? trainMean.value() : 0.0;
      Map<String, SegmentResult> r = new LinkedHashMap<>();
      parts.forEach((k, d) -> r.put(k, SegmentResult.of(d, baseline.predict(d, mean, m.horizon()), null)));
      forecasters.add(new ForecasterReport(baseline.id(), "baseline", null, r, null, null));
      if (baseline != Baseline.RANDOM_WALK) {
        backtests.put(baseline.id(), Backtest.longShort(rows, baseline.predict(rows, mean, m.horizon())));
      }
    }
    Map<String, Backtest.Metrics> benchmark = new LinkedHashMap<>();
    parts.forEach((k, d) -> benchmark.put(k, Backtest.equalWeightLong(d).metrics()));
    backtests.put("equal-weight long", Backtest.equalWeightLong(rows));
    timings.put("metrics", TrainPipeline.seconds(t0));

    Map<String, SegmentInfo> segments = new LinkedHashMap<>();
    parts.forEach((k, d) -> segments.put(k, SegmentInfo.of(d)));
    Report report = new Report(Instant.now(), m, dataDir, all.tickers().size(), window, window.equals(m.test()),
        WINDOW_RULE, data.counts(), trainMean, segments, notes(m, window, segments, trainMean), TrainPipeline.BACKTEST_RULE,
        forecasters, benchmark, inference.repeat(), timings);
    return new Evaluated(report, rows, output, backtests);
  }

  /** Summed as TrainPipeline sums the training labels (DoubleStream, compensated, row order): the same mean. */
  private static TrainMean trainMean(Dataset all, ModelMetadata m, boolean[] heldOut) {
    double[] labels = Arrays.stream(select(all, r -> !heldOut[all.tickerIndex(r)] && contains(m.training(), all.epochDay(r))))
        .mapToDouble(all::label)
        .toArray();
    return new TrainMean(
        labels.length == 0 ? null : Arrays.stream(labels).average().orElseThrow(), labels.length, m.trainingRows());
  }

  private record Inference(double[] output, OrtRepeat repeat) {}

  /**
   * The model's output for every row, {@link #BATCH} rows per call; then a second session, one row
   * per call (the live pool's smallest batch), on a sample.
   */
  private static Inference runOnnx(ModelArtifact model, Dataset rows, Map<String, Double> timings, Progress progress)
      throws OrtException {
    int width = model.metadata().featureSchema().size();
    try (OnnxPredictor batched = OnnxPredictor.load(model.onnx(), width);
        OnnxPredictor single = OnnxPredictor.load(model.onnx(), width)) {
      long t0 = System.nanoTime();
      double[] output = infer(batched, rows, BATCH, progress.start("ONNX Runtime, " + BATCH + " rows a call", rows.size()));
      timings.put("onnx runtime", TrainPipeline.seconds(t0));
      long t1 = System.nanoTime();
      int stride = (rows.size() + REPEAT_ROWS - 1) / REPEAT_ROWS;
      int[] sample = select(rows, r -> r % stride == 0);
      double[] again = infer(single, rows.rows(sample), 1, progress.start("ONNX Runtime again, 1 row a call", sample.length));
      timings.put("onnx runtime, again row by row", TrainPipeline.seconds(t1));
      return new Inference(output, new OrtRepeat(sample.length, TrainPipeline.maxAbsDiff(pick(output, sample), again)));
    }
  }

  /** Model output for every row, {@code batch} rows per ONNX Runtime call. */
  private static double[] infer(OnnxPredictor predictor, Dataset d, int batch, Progress.Task task) throws OrtException {
    double[] y = new double[d.size()];
    for (int from = 0; from < d.size(); from += batch) {
      int first = from;
      double[][] x = new double[Math.min(batch, d.size() - from)][];
      Arrays.setAll(x, i -> d.features(first + i));
      System.arraycopy(predictor.predict(x), 0, y, from, x.length);
      task.advance(x.length);
    }
    task.done();
    return y;
  }

  /**
   * Coverage and mean width of the intervals {@link ServedModel} serves for each row. The return
   * bounds do not depend on the price, so a last close of 1 stands in for the real one.
   */
  private static List<IntervalMetrics> servedIntervals(ServedModel served, Dataset d, double[] output) {
    // A prediction's intervals come narrowest first, i.e. by level.
    List<IntervalMetrics> levels =
        served.metadata().intervals().stream().sorted(Comparator.comparingDouble(IntervalMetrics::level)).toList();
    long[] covered = new long[levels.size()];
    double[] width = new double[levels.size()];
    for (int r = 0; r < d.size(); r++) {
      Instant asOf = d.date(r).atStartOfDay(ZoneOffset.UTC).toInstant();
      List<Prediction.Interval> bands = served.prediction(d.ticker(r), asOf, 1.0, d.features(r), output[r], asOf).intervals();
      for (int l = 0; l < covered.length; l++) {
        Prediction.Interval band = bands.get(l);
        covered[l] += band.covers(d.label(r)) ? 1 : 0;
        width[l] += band.upperReturn() - band.lowerReturn();
      }
    }
    List<IntervalMetrics> out = new ArrayList<>();
    for (int l = 0; l < covered.length; l++) {
      IntervalMetrics calibrated = levels.get(l);
      out.add(new IntervalMetrics(calibrated.level(), calibrated.quantile(), (double) covered[l] / d.size(), width[l] / d.size()));
    }
    return out;
  }

  private static List<String> notes(ModelMetadata m, Window window, Map<String, SegmentInfo> segments, TrainMean mean) {
    List<String> notes = new ArrayList<>();
    if (overlaps(window, m.training())) {
      notes.add("the window overlaps the model's training window (" + describe(m.training())
          + "): its rows of tickers not held out were fitted on, so those figures are in-sample");
    }
    if (overlaps(window, m.validation())) {
      notes.add("the window overlaps the model's validation window (" + describe(m.validation())
          + "), on which its intervals were calibrated and its promotion decided");
    }
    int others = segments.get(OTHER).tickers();
    if (others > m.trainingTickers()) {
      notes.add(String.format(Locale.ROOT, "the model was fitted on %d tickers (its metadata does not name them);"
          + " at least %d of the %d %s were never seen in training", m.trainingTickers(), others - m.trainingTickers(),
          others, OTHER));
    }
    if (segments.get(HELD_OUT).rows() == 0) {
      notes.add("no rows of the model's held-out tickers " + m.heldOutTickers() + " in the window");
    }
    if (mean.value() == null) {
      notes.add("train_mean left out: the data has no row of the model's training window");
    } else if (mean.rows() != mean.modelTrainingRows()) {
      notes.add(String.format(Locale.ROOT, "train_mean is the mean of %d training-window rows of this data; the model"
          + " was fitted on %d rows, so this is not exactly its own training data", mean.rows(), mean.modelTrainingRows()));
    }
    return notes;
  }

  private static Result write(Evaluated e, Path dir, Progress progress) throws IOException {
    Files.createDirectories(dir);
    Path json = dir.resolve("model-evaluation.json");
    Path markdown = dir.resolve("model-evaluation.md");
    Path chart = dir.resolve("model-evaluation.png");
    Report r = e.report();
    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), r);
    Files.writeString(markdown, ReportMarkdown.render(r));
    String kind = r.model().kind();
    ReportChart.write(chart, r.segments().get(ALL).from() + ".." + r.segments().get(ALL).to(), e.rows().labels(),
        Map.of(kind, e.output()), Map.of(kind, r.forecaster(kind).results().get(ALL).intervals()), e.backtests());
    progress.note("wrote " + markdown + ", " + json + ", " + chart);
    return new Result(r, json, markdown, chart);
  }

  /** "from .. to", an open end named "start" or "end". */
  static String describe(Window w) {
    return (w.from() == null ? "start" : w.from()) + " .. " + (w.to() == null ? "end" : w.to());
  }

  private static boolean contains(Window w, int epochDay) {
    return (w.from() == null || epochDay >= w.from().toEpochDay()) && (w.to() == null || epochDay <= w.to().toEpochDay());
  }

  private static boolean overlaps(Window a, Window b) {
    return (a.from() == null || !a.from().isAfter(b.to())) && (a.to() == null || !a.to().isBefore(b.from()));
  }

  private static int[] select(Dataset d, IntPredicate keep) {
    return IntStream.range(0, d.size()).filter(keep).toArray();
  }

  private static double[] pick(double[] values, int[] index) {
    double[] out = new double[index.length];
    Arrays.setAll(out, i -> values[index[i]]);
    return out;
  }
}
