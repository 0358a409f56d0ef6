package io.tickcast.model;

import ai.onnxruntime.OrtException;
import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.model.EvaluationReport.ForecasterReport;
import io.tickcast.model.EvaluationReport.SegmentInfo;
import io.tickcast.model.EvaluationReport.SegmentResult;
import io.tickcast.model.WalkForwardSplit.Segment;
import io.tickcast.protocols.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The offline pipeline: daily bars → point-in-time dataset → walk-forward split → standardise
 * (training window only) → train each model kind → conformal intervals calibrated on the
 * validation window → evaluation of models and baselines → ONNX + metadata per model, and
 * evaluation.{json,md,png} in the output directory. Deterministic for a given seed (timings and
 * the creation time aside).
 */
public final class TrainPipeline {

  /** Nominal levels of the conformal intervals. */
  private static final double[] LEVELS = {0.8, 0.9};

  static final String PROMOTION_RULE =
      "a model is promotable iff on the validation window its MAE is below the random walk's"
          + " (zero forecast) AND its directional accuracy is above the random walk's 0.5";
  static final String BACKTEST_RULE =
      "each day, position sign(prediction) in every ticker with a row, equal weight 1/N, earning the"
          + " next bar's simple return; rebalanced daily; NO transaction costs, borrow fees or"
          + " slippage; annual return compounds 252 days a year, Sharpe = mean/sd × √252 with a zero"
          + " risk-free rate; benchmark: +1 in every ticker, equal weight, rebalanced daily";

  /**
   * @param dataDir folder of {@code <TICKER>.csv[.gz]} daily files
   * @param tickers tickers to use; empty: every file in {@code dataDir}
   * @param horizon bars ahead to predict: 1, 5 or 20
   * @param ridgeL2 ridge penalty per training row
   */
  public record Options(
      Path dataDir,
      List<String> tickers,
      int horizon,
      Path outputDir,
      Set<ModelKind> models,
      long seed,
      WalkForwardSplit split,
      double ridgeL2,
      MlpTrainer.Config mlp) {
    public Options {
      tickers = List.copyOf(tickers);
      models = Set.copyOf(models);
      Baseline.lastReturnFeature(horizon); // throws unless the last-return baseline exists: 1, 5 or 20
      if (models.isEmpty()) {
        throw new IllegalArgumentException("no model kinds to train");
      }
    }

    /** Every ticker in {@code dataDir}, 1-bar horizon, both models, standard split, seed 42. */
    public static Options defaults(Path dataDir, Path outputDir) {
      return new Options(dataDir, List.of(), 1, outputDir, Set.of(ModelKind.values()), 42L,
          WalkForwardSplit.standard(), 1e-3, MlpTrainer.Config.defaults());
    }
  }

  /** What a run wrote. */
  public record Result(EvaluationReport report, Path json, Path markdown, Path chart, Map<ModelKind, Path> onnx) {}

  public static Result run(Options options, Progress progress) throws IOException, OrtException {
    return new TrainPipeline(options, progress).run();
  }

  private final Options o;
  private final Progress progress;
  private final FeatureSchema schema = FeatureSchema.current();
  private final Map<String, Double> timings = new LinkedHashMap<>();
  private final List<ForecasterReport> reports = new ArrayList<>();
  private final Map<ModelKind, Path> onnxFiles = new EnumMap<>(ModelKind.class);
  /** Chart inputs, test window. */
  private final Map<String, double[]> testPredictions = new LinkedHashMap<>();
  private final Map<String, List<IntervalMetrics>> testCoverage = new LinkedHashMap<>();
  private final Map<String, Backtest> testBacktests = new LinkedHashMap<>();

  private Dataset train;
  private Dataset validate;
  private Dataset test;
  /** validate, test and held-out test, by their report keys. */
  private final Map<String, Dataset> evaluated = new LinkedHashMap<>();
  /** σ̂ of every evaluated row, for the conformal intervals. */
  private final Map<String, double[]> scales = new LinkedHashMap<>();
  private List<String> heldOut;
  private Standardizer standardizer;
  private double trainMean;
  private PointMetrics randomWalkValidation;

  private TrainPipeline(Options options, Progress progress) {
    this.o = options;
    this.progress = progress;
  }

  private Result run() throws IOException, OrtException {
    long start = System.nanoTime();
    Files.createDirectories(o.outputDir().resolve("models"));
    List<Path> files = files(o.dataDir(), o.tickers());
    progress.note("reading " + files.size() + " tickers from " + o.dataDir());
    DatasetBuilder.Result built = new DatasetBuilder(o.horizon()).read(files, progress);
    timings.put("dataset", seconds(start));
    split(built.dataset());

    standardizer = Standardizer.fit(train);
    trainMean = Arrays.stream(train.labels()).average().orElseThrow();
    randomWalkValidation = PointMetrics.of(Baseline.RANDOM_WALK.predict(validate, trainMean, o.horizon()), validate.labels());
    for (ModelKind kind : new TreeSet<>(o.models())) {
      trainEvaluateExport(kind);
    }
    for (Baseline baseline : Baseline.values()) {
      evaluateBaseline(baseline);
    }
    Map<String, Backtest.Metrics> benchmark = new LinkedHashMap<>();
    evaluated.forEach((k, d) -> benchmark.put(k, Backtest.equalWeightLong(d).metrics()));
    testBacktests.put("equal-weight long", Backtest.equalWeightLong(test));

    Map<String, SegmentInfo> segments = new LinkedHashMap<>();
    segments.put("train", SegmentInfo.of(train));
    evaluated.forEach((k, d) -> segments.put(k, SegmentInfo.of(d)));
    timings.put("total", seconds(start));
    EvaluationReport report = new EvaluationReport(Instant.now(), o.dataDir().toString(), files.size(),
        heldOut, o.horizon(), o.seed(), o.split(), built.counts(), segments, schema.names(),
        PROMOTION_RULE, BACKTEST_RULE, reports, benchmark, timings, peakHeapBytes());
    return write(report);
  }

  private void split(Dataset all) {
    Map<Segment, Dataset> parts = partition(all, o.split());
    train = parts.get(Segment.TRAIN);
    validate = parts.get(Segment.VALIDATE);
    test = parts.get(Segment.TEST);
    if (train.size() <= schema.size() || validate.size() == 0) {
      throw new IllegalStateException("not enough rows: train " + train.size() + ", validate " + validate.size());
    }
    evaluated.put(EvaluationReport.VALIDATE, validate);
    evaluated.put(EvaluationReport.TEST, test);
    evaluated.put(EvaluationReport.HOLDOUT_TEST, parts.get(Segment.HOLDOUT_TEST));
    int volatility = schema.indexOf("volatility_20");
    evaluated.forEach((k, d) -> scales.put(k, scales(d, volatility, o.horizon())));
    heldOut = all.tickers().stream().filter(o.split()::isHeldOut).toList();
    progress.note(String.format(Locale.ROOT, "rows: train %d, validate %d, test %d, held-out test %d",
        train.size(), validate.size(), test.size(), parts.get(Segment.HOLDOUT_TEST).size()));
  }

  private void trainEvaluateExport(ModelKind kind) throws IOException, OrtException {
    long t0 = System.nanoTime();
    progress.note("training " + kind.id() + " on " + train.size() + " rows");
    Regressor model = switch (kind) {
      case LINEAR -> RidgeRegression.fit(train, standardizer, o.ridgeL2());
      case MLP -> new MlpTrainer(o.mlp(), o.seed()).train(train, validate, standardizer, progress);
    };
    timings.put("train " + kind.id(), seconds(t0));

    Map<String, double[]> predictions = predictAll(model::predict);
    ConformalIntervals conformal = ConformalIntervals.calibrate(
        predictions.get(EvaluationReport.VALIDATE), validate.labels(), scales.get(EvaluationReport.VALIDATE), LEVELS);
    Map<String, SegmentResult> results = new LinkedHashMap<>();
    evaluated.forEach((k, d) -> results.put(k, evaluate(d, predictions.get(k), conformal, scales.get(k))));
    PointMetrics val = results.get(EvaluationReport.VALIDATE).point();
    boolean promotable = val.mae() < randomWalkValidation.mae() && val.directionalAccuracy() > 0.5;

    long t1 = System.nanoTime();
    String name = "tickcast-" + kind.id() + "-h" + o.horizon();
    byte[] onnx = OnnxExport.toBytes(model, name, Map.of(
        "feature_schema", schema.id(),
        "feature_names", String.join(",", schema.names()),
        "horizon", Integer.toString(o.horizon()),
        "kind", kind.id()));
    Path onnxFile = o.outputDir().resolve("models").resolve(kind.id() + ".onnx");
    Files.write(onnxFile, onnx);
    double parity = onnxParity(onnx, model, validate);
    String sha256 = sha256(onnx);
    ModelMetadata metadata = new ModelMetadata(name, sha256.substring(0, 12), kind.id(), Instant.now(),
        o.horizon(), "ln(adjusted_close[t+h] / adjusted_close[t]), h = horizon bars", Duration.ofDays(1), schema,
        OnnxExport.INPUT, OnnxExport.OUTPUT, true, window(train), window(validate), window(test),
        SegmentInfo.of(train).tickers(), heldOut, train.size(), results.get(EvaluationReport.VALIDATE).intervals(), val,
        results.get(EvaluationReport.TEST).point(), promotable, onnxFile.getFileName().toString(), sha256);
    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(onnxFile.resolveSibling(kind.id() + ".json").toFile(), metadata);
    timings.put("export+parity " + kind.id(), seconds(t1));
    progress.note(String.format(Locale.ROOT,
        "%s: validation MAE %.6f (random walk %.6f), dir. acc. %.4f, promotable %s; ONNX max |diff| %.2e",
        kind.id(), val.mae(), randomWalkValidation.mae(), val.directionalAccuracy(), promotable, parity));

    onnxFiles.put(kind, onnxFile);
    reports.add(new ForecasterReport(kind.id(), "model", promotable, results, parity,
        o.outputDir().relativize(onnxFile).toString()));
    testPredictions.put(kind.id(), predictions.get(EvaluationReport.TEST));
    testCoverage.put(kind.id(), results.get(EvaluationReport.TEST).intervals());
    testBacktests.put(kind.id(), Backtest.longShort(test, predictions.get(EvaluationReport.TEST)));
  }

  private void evaluateBaseline(Baseline baseline) {
    Map<String, double[]> predictions = predictAll(d -> baseline.predict(d, trainMean, o.horizon()));
    Map<String, SegmentResult> results = new LinkedHashMap<>();
    evaluated.forEach((k, d) -> results.put(k, evaluate(d, predictions.get(k), null, null)));
    reports.add(new ForecasterReport(baseline.id(), "baseline", null, results, null, null));
    if (baseline != Baseline.RANDOM_WALK) {
      testBacktests.put(baseline.id(), Backtest.longShort(test, predictions.get(EvaluationReport.TEST)));
    }
  }

  private Result write(EvaluationReport report) throws IOException {
    Path json = o.outputDir().resolve("evaluation.json");
    Path markdown = o.outputDir().resolve("evaluation.md");
    Path chart = o.outputDir().resolve("evaluation.png");
    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), report);
    Files.writeString(markdown, ReportMarkdown.render(report));
    if (test.size() > 0) {
      ReportChart.write(chart, "test window", test.labels(), testPredictions, testCoverage, testBacktests);
    }
    progress.note("wrote " + markdown + ", " + json + (test.size() > 0 ? ", " + chart : ""));
    return new Result(report, json, markdown, chart, onnxFiles);
  }

  private Map<String, double[]> predictAll(Function<Dataset, double[]> predictor) {
    Map<String, double[]> out = new LinkedHashMap<>();
    evaluated.forEach((k, d) -> out.put(k, predictor.apply(d)));
    return out;
  }

  /**
   * Copies the trained model with the lowest validation MAE into {@code dir} as {@code model.json}
   * and the ONNX file it names: the layout {@link ModelArtifact#loadDefault()} reads.
   */
  public static ModelKind publishBest(Result result, Path dir) throws IOException {
    ModelKind best = result.onnx().keySet().stream()
        .min(Comparator.comparingDouble(k -> validationMae(result.report(), k)))
        .orElseThrow();
    Path onnx = result.onnx().get(best);
    Files.createDirectories(dir);
    Files.copy(onnx, dir.resolve(onnx.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(onnx.resolveSibling(best.id() + ".json"), dir.resolve("model.json"), StandardCopyOption.REPLACE_EXISTING);
    return best;
  }

  private static double validationMae(EvaluationReport report, ModelKind kind) {
    return report.forecasters().stream()
        .filter(f -> f.name().equals(kind.id()))
        .findFirst()
        .orElseThrow()
        .results()
        .get(EvaluationReport.VALIDATE)
        .point()
        .mae();
  }

  static List<Path> files(Path dataDir, List<String> tickers) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.list(dataDir)) {
      all = s.filter(p -> p.getFileName().toString().matches("[^.].*\\.csv(\\.gz)?")).sorted().toList();
    }
    if (all.isEmpty()) {
      throw new IOException("no <TICKER>.csv[.gz] files in " + dataDir.toAbsolutePath());
    }
    if (tickers.isEmpty()) {
      return all;
    }
    Map<String, Path> byTicker = new LinkedHashMap<>();
    all.forEach(p -> byTicker.put(DailyBarCsv.tickerOf(p), p));
    List<String> missing = tickers.stream().filter(t -> !byTicker.containsKey(t)).toList();
    if (!missing.isEmpty()) {
      throw new IOException("no data file for " + missing + " in " + dataDir.toAbsolutePath());
    }
    return new TreeSet<>(tickers).stream().map(byTicker::get).toList();
  }

  static Map<Segment, Dataset> partition(Dataset all, WalkForwardSplit split) {
    Segment[] segment = new Segment[all.size()];
    Arrays.setAll(segment, r -> split.segmentOf(all.ticker(r), all.date(r), all.labelDate(r)));
    Map<Segment, Dataset> out = new EnumMap<>(Segment.class);
    for (Segment s : Segment.values()) {
      out.put(s, all.rows(IntStream.range(0, segment.length).filter(r -> segment[r] == s).toArray()));
    }
    return out;
  }

  private static SegmentResult evaluate(Dataset d, double[] predictions, ConformalIntervals conformal, double[] scales) {
    List<IntervalMetrics> intervals =
        conformal == null || d.size() == 0 ? null : List.of(conformal.evaluate(predictions, d.labels(), scales));
    return SegmentResult.of(d, predictions, intervals);
  }

  private static double[] scales(Dataset d, int volatilityColumn, int horizon) {
    double[] s = new double[d.size()];
    Arrays.setAll(s, r -> ConformalIntervals.scale(d.feature(r, volatilityColumn), horizon));
    return s;
  }

  /** Largest |ONNX Runtime − Java| prediction over the rows. */
  static double onnxParity(byte[] onnx, Regressor model, Dataset rows) throws OrtException {
    double[][] x = new double[rows.size()][];
    Arrays.setAll(x, rows::features);
    double[] java = model.predict(rows);
    try (OnnxPredictor predictor = OnnxPredictor.load(onnx, rows.featureCount())) {
      return maxAbsDiff(predictor.predict(x), java);
    }
  }

  static double maxAbsDiff(double[] a, double[] b) {
    double max = 0.0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  private static ModelMetadata.Window window(Dataset d) {
    SegmentInfo i = SegmentInfo.of(d);
    return new ModelMetadata.Window(i.from(), i.to());
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static long peakHeapBytes() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .map(MemoryPoolMXBean::getPeakUsage)
        .mapToLong(u -> u.getUsed())
        .sum();
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
