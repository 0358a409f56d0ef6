package io.tickcast.model;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Everything one pipeline run measured; written as evaluation.json and rendered as
 * evaluation.md by {@link ReportMarkdown}.
 *
 * @param segments per window ("validate", "test", "holdout_test"): rows and the date range seen
 * @param benchmark equal-weight long-only backtest per window
 */
public record EvaluationReport(
    Instant created,
    String dataDir,
    int tickers,
    List<String> heldOutTickers,
    int horizon,
    long seed,
    WalkForwardSplit split,
    DatasetBuilder.Counts counts,
    Map<String, SegmentInfo> segments,
    List<String> features,
    String promotionRule,
    String backtestRule,
    List<ForecasterReport> forecasters,
    Map<String, Backtest.Metrics> benchmark,
    Map<String, Double> timingsSeconds,
    long peakHeapBytes) {

  public static final String VALIDATE = "validate";
  public static final String TEST = "test";
  public static final String HOLDOUT_TEST = "holdout_test";
  public static final List<String> EVALUATED = List.of(VALIDATE, TEST, HOLDOUT_TEST);

  /** Rows of a window and the dates they span; {@code from}/{@code to} are null when empty. */
  public record SegmentInfo(int rows, int tickers, LocalDate from, LocalDate to) {}

  /**
   * One model or baseline.
   *
   * @param intervals null for baselines
   * @param promotable null for baselines
   * @param onnxMaxAbsDiff largest |ONNX Runtime - Java| prediction over the validation rows; null
   *     for baselines
   */
  public record ForecasterReport(
      String name,
      String type,
      Boolean promotable,
      Map<String, SegmentResult> results,
      Double onnxMaxAbsDiff,
      String onnxFile) {}

  /** How a forecaster did on one window. */
  public record SegmentResult(PointMetrics point, List<IntervalMetrics> intervals, Backtest.Metrics backtest) {}
}
