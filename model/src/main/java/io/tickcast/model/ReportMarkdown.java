package io.tickcast.model;

import io.tickcast.model.EvaluationReport.ForecasterReport;
import io.tickcast.model.EvaluationReport.SegmentInfo;
import io.tickcast.model.EvaluationReport.SegmentResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders an {@link EvaluationReport} as markdown; errors and widths in basis points (1e-4). */
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
    md.append(f("- Rows: %d labelled (train %d, validate %d, test %d, held-out test %d); skipped: %d warm-up/undefined, %d without label, %d invalid bars, %d unreadable lines%n",
        c.rows(), rows(r, "train"), rows(r, EvaluationReport.VALIDATE), rows(r, EvaluationReport.TEST),
        rows(r, EvaluationReport.HOLDOUT_TEST), c.featuresUndefined(), c.withoutLabel(), c.invalidBars(), c.badLines()));
    md.append("- Features (").append(r.features().size()).append("): ").append(String.join(", ", r.features())).append('\n');
    md.append("- Promotion rule: ").append(r.promotionRule()).append('\n');
    md.append("- Backtest: ").append(r.backtestRule()).append("\n\n");

    for (String segment : EvaluationReport.EVALUATED) {
      SegmentInfo info = r.segments().get(segment);
      md.append(f("## %s: %s .. %s, %d rows, %d tickers%n%n", title(segment), info.from(), info.to(), info.rows(), info.tickers()));
      if (info.rows() == 0) {
        md.append("(no rows)\n\n");
        continue;
      }
      md.append("| forecaster | MAE bp | RMSE bp | dir. acc. | 80% cover (width bp) | 90% cover (width bp) | L/S ann. return | L/S Sharpe | max DD |");
      md.append(segment.equals(EvaluationReport.VALIDATE) ? " promotable |\n|---|---|---|---|---|---|---|---|---|---|\n" : "\n|---|---|---|---|---|---|---|---|---|\n");
      for (ForecasterReport fr : r.forecasters()) {
        SegmentResult sr = fr.results().get(segment);
        PointMetrics p = sr.point();
        md.append(f("| %s | %.2f | %.2f | %.4f | %s | %s | %s |", fr.name(), p.mae() * 1e4, p.rmse() * 1e4,
            p.directionalAccuracy(), interval(sr.intervals(), 0), interval(sr.intervals(), 1), backtest(sr.backtest())));
        md.append(segment.equals(EvaluationReport.VALIDATE) ? " " + (fr.promotable() == null ? "" : fr.promotable() ? "**yes**" : "no") + " |\n" : "\n");
      }
      Backtest.Metrics b = r.benchmark().get(segment);
      md.append(f("| equal-weight long (benchmark) | | | | | | %s |", backtest(b)));
      md.append(segment.equals(EvaluationReport.VALIDATE) ? " |\n\n" : "\n\n");
    }

    md.append("## Models\n\n| model | ONNX file | max abs(ONNX - Java) on validation |\n|---|---|---|\n");
    for (ForecasterReport fr : r.forecasters()) {
      if (fr.onnxFile() != null) {
        md.append(f("| %s | `%s` | %.2e |%n", fr.name(), fr.onnxFile(), fr.onnxMaxAbsDiff()));
      }
    }
    md.append("\n## Timings\n\n| step | seconds |\n|---|---|\n");
    r.timingsSeconds().forEach((k, v) -> md.append(f("| %s | %.1f |%n", k, v)));
    md.append(f("%nPeak Java heap: %.0f MiB%n", r.peakHeapBytes() / 1048576.0));
    return md.toString();
  }

  private static long rows(EvaluationReport r, String segment) {
    SegmentInfo info = r.segments().get(segment);
    return info == null ? 0 : info.rows();
  }

  private static List<String> abbreviate(List<String> tickers) {
    return tickers.size() <= 30 ? tickers : List.of(String.join(", ", tickers.subList(0, 30)), "... (" + tickers.size() + " in evaluation.json)");
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
