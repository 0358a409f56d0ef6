package io.tickcast.model;

import io.tickcast.model.EvaluationReport.ForecasterReport;
import io.tickcast.model.EvaluationReport.SegmentInfo;
import io.tickcast.model.EvaluationReport.SegmentResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders an {@link EvaluationReport} (train) or a {@link ModelEvaluation.Report} (evaluate) as
 * markdown; errors and widths in basis points (1e-4).
 */
public final class ReportMarkdown {
  private ReportMarkdown() {}

  public static String render(EvaluationReport r) {
    StringBuilder md = new StringBuilder();
    WalkForwardSplit s = r.split();
    md.append("# Tickcast model evaluation\n\n");
    md.append(f("- Data: `%s`, %d tickers, %d held out of training (%s)%n",
        r.dataDir(), r.tickers(), r.heldOutTickers().size(), String.join(", ", abbreviate(r.heldOutTickers()))));
    md.append(f("- Target: log return of the adjusted close over %d bar(s); seed %d; created %s%n",
        r.horizon(), r.seed(), r.created()));
    md.append(f("- Split: train ≤ %s, validate to %s, test to %s; rows whose label crosses a boundary are purged%n",
        s.trainEnd(), s.validateEnd(), s.testEnd()));
    DatasetBuilder.Counts c = r.counts();
    md.append(f("- Rows: %d labelled (train %d, validate %d, test %d, held-out test %d); %s%n",
        c.rows(), rows(r, "train"), rows(r, EvaluationReport.VALIDATE), rows(r, EvaluationReport.TEST),
        rows(r, EvaluationReport.HOLDOUT_TEST), skipped(c)));
    md.append("- Features (").append(r.features().size()).append("): ").append(String.join(", ", r.features())).append('\n');
    md.append("- Promotion rule: ").append(r.promotionRule()).append('\n');
    md.append("- Backtest: ").append(r.backtestRule()).append("\n\n");

    for (String segment : EvaluationReport.EVALUATED) {
      md.append(section(title(segment), r.segments().get(segment), r.forecasters(), segment,
          r.benchmark().get(segment), segment.equals(EvaluationReport.VALIDATE)));
    }

    md.append("## Models\n\n| model | ONNX file | max abs(ONNX - Java) on validation |\n|---|---|---|\n");
    for (ForecasterReport fr : r.forecasters()) {
      if (fr.onnxFile() != null) {
        md.append(f("| %s | `%s` | %.2e |%n", fr.name(), fr.onnxFile(), fr.onnxMaxAbsDiff()));
      }
    }
    md.append('\n').append(timings(r.timingsSeconds()));
    md.append(f("%nPeak Java heap: %.0f MiB%n", r.peakHeapBytes() / 1048576.0));
    return md.toString();
  }

  public static String render(ModelEvaluation.Report r) {
    ModelMetadata m = r.model();
    StringBuilder md = new StringBuilder(f("# Evaluation of %s version %s%n%n", m.name(), m.version()));
    md.append(f("- Model: %s, horizon %d bar(s), feature schema `%s`; fitted on %d tickers, %d rows with as-of dates %s .. %s;"
            + " validation %s .. %s, test %s .. %s; promotable: %s%n", m.kind(), m.horizon(), m.featureSchema().id(),
        m.trainingTickers(), m.trainingRows(), m.training().from(), m.training().to(), m.validation().from(),
        m.validation().to(), m.test().from(), m.test().to(), m.promotable() ? "yes" : "no"));
    DatasetBuilder.Counts c = r.counts();
    md.append(f("- Data: `%s`, %d tickers, %d labelled rows; %s%n", r.dataDir(), r.tickers(), c.rows(), skipped(c)));
    md.append(f("- Window: as-of dates %s%s; %s%n", ModelEvaluation.describe(r.window()),
        r.modelTestWindow() ? " (the model's test window)" : "", r.windowRule()));
    md.append(f("- Inference: ONNX Runtime (float32), %d rows a call; on %d of the rows, a second session fed one row a"
        + " call agrees to max abs diff %.2e%n", ModelEvaluation.BATCH, r.ortRepeat().rows(), r.ortRepeat().maxAbsDiff()));
    md.append(f("- Intervals: as ServedModel serves them, ŷ ± q × max(volatility_20, 1e-4) × √h, q calibrated in training: %s%n",
        m.intervals().stream().map(im -> f("%.0f%% q = %.4f", im.level() * 100, im.quantile())).collect(Collectors.joining(", "))));
    ModelEvaluation.TrainMean mean = r.trainMean();
    md.append(f("- Baselines: random_walk (0); train_mean = %s, the mean label of the %d rows of the model's training"
            + " window in this data (held-out tickers excluded; the model was fitted on %d); last_return (return_%d)%n",
        mean.value() == null ? "n/a" : f("%.3f bp", mean.value() * 1e4), mean.rows(), mean.modelTrainingRows(), m.horizon()));
    md.append("- Backtest: ").append(r.backtestRule()).append('\n');
    r.notes().forEach(n -> md.append("- Note: ").append(n).append('\n'));
    md.append('\n');
    // Comparable only on the model's own data: the same training rows found means the same data.
    if (r.modelTestWindow() && mean.rows() == mean.modelTrainingRows()) {
      PointMetrics here = r.forecaster(m.kind()).results().get(ModelEvaluation.OTHER).point();
      md.append("## Against the metadata's test metrics\n\n| | n | MAE | RMSE | dir. acc. |\n|---|---|---|---|---|\n");
      md.append(metricsRow("metadata `testMetrics` (training run, Java double precision)", m.testMetrics()));
      md.append(metricsRow("this run, " + ModelEvaluation.OTHER + " (ONNX Runtime, float32)", here)).append('\n');
    }
    Map<String, String> titles = Map.of(ModelEvaluation.ALL, "All tickers",
        ModelEvaluation.OTHER, "Tickers not held out by the model",
        ModelEvaluation.HELD_OUT, "The model's held-out tickers (" + String.join(", ", abbreviate(m.heldOutTickers())) + ")");
    for (String segment : ModelEvaluation.SEGMENTS) {
      md.append(section(titles.get(segment), r.segments().get(segment), r.forecasters(), segment,
          r.benchmark().get(segment), false));
    }
    return md.append(timings(r.timingsSeconds())).toString();
  }

  private static String metricsRow(String name, PointMetrics p) {
    return f("| %s | %d | %.12f | %.12f | %.12f |%n", name, p.n(), p.mae(), p.rmse(), p.directionalAccuracy());
  }

  private static String timings(Map<String, Double> seconds) {
    StringBuilder md = new StringBuilder("## Timings\n\n| step | seconds |\n|---|---|\n");
    seconds.forEach((k, v) -> md.append(f("| %s | %.1f |%n", k, v)));
    return md.toString();
  }

  /**
   * A window's heading and its table: every forecaster, then the benchmark; with a promotable
   * column if asked.
   */
  private static String section(String title, SegmentInfo info, List<ForecasterReport> forecasters, String segment,
      Backtest.Metrics benchmark, boolean withPromotable) {
    StringBuilder md = new StringBuilder(
        f("## %s: %s .. %s, %d rows, %d tickers%n%n", title, info.from(), info.to(), info.rows(), info.tickers()));
    if (info.rows() == 0) {
      return md.append("(no rows)\n\n").toString();
    }
    md.append("| forecaster | MAE bp | RMSE bp | dir. acc. | 80% cover (width bp) | 90% cover (width bp) | L/S ann. return | L/S Sharpe | max DD |");
    md.append(withPromotable ? " promotable |\n|---|---|---|---|---|---|---|---|---|---|\n" : "\n|---|---|---|---|---|---|---|---|---|\n");
    for (ForecasterReport fr : forecasters) {
      SegmentResult sr = fr.results().get(segment);
      PointMetrics p = sr.point();
      md.append(f("| %s | %.2f | %.2f | %.4f | %s | %s | %s |", fr.name(), p.mae() * 1e4, p.rmse() * 1e4,
          p.directionalAccuracy(), interval(sr.intervals(), 0), interval(sr.intervals(), 1), backtest(sr.backtest())));
      md.append(withPromotable ? " " + (fr.promotable() == null ? "" : fr.promotable() ? "**yes**" : "no") + " |\n" : "\n");
    }
    md.append(f("| equal-weight long (benchmark) | | | | | | %s |", backtest(benchmark)));
    return md.append(withPromotable ? " |\n\n" : "\n\n").toString();
  }

  private static String skipped(DatasetBuilder.Counts c) {
    return f("skipped: %d warm-up/undefined, %d without label, %d invalid bars, %d unreadable lines",
        c.featuresUndefined(), c.withoutLabel(), c.invalidBars(), c.badLines());
  }

  private static long rows(EvaluationReport r, String segment) {
    SegmentInfo info = r.segments().get(segment);
    return info == null ? 0 : info.rows();
  }

  private static List<String> abbreviate(List<String> tickers) {
    return tickers.size() <= 30 ? tickers : List.of(String.join(", ", tickers.subList(0, 30)), "... (" + tickers.size() + " in all, listed in the JSON report)");
  }

  private static String title(String segment) {
    return Map.of(EvaluationReport.VALIDATE, "Validation (training tickers)",
        EvaluationReport.TEST, "Test (training tickers)",
        EvaluationReport.HOLDOUT_TEST, "Test (held-out tickers)").get(segment);
  }

  private static String interval(List<IntervalMetrics> intervals, int i) {
    if (intervals == null || intervals.size() <= i) {
      return "";
    }
    IntervalMetrics m = intervals.get(i);
    return f("%.3f (%.0f)", m.coverage(), m.meanWidth() * 1e4);
  }

  private static String backtest(Backtest.Metrics b) {
    return f("%.2f%% | %s | %.1f%%", b.annualReturn() * 100,
        b.sharpe() == null ? "n/a" : f("%.2f", b.sharpe()), b.maxDrawdown() * 100);
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
