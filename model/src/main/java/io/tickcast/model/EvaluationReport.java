package io.tickcast.model;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

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
  public record SegmentInfo(int rows, int tickers, LocalDate from, LocalDate to) {
    public static SegmentInfo of(Dataset d) {
      if (d.size() == 0) {
        return new SegmentInfo(0, 0, null, null);
      }
      int min = Integer.MAX_VALUE;
      int max = Integer.MIN_VALUE;
      for (int r = 0; r < d.size(); r++) {
        min = Math.min(min, d.epochDay(r));
        max = Math.max(max, d.epochDay(r));
      }
      int tickers = (int) IntStream.range(0, d.size()).map(d::tickerIndex).distinct().count();
      return new SegmentInfo(d.size(), tickers, LocalDate.ofEpochDay(min), LocalDate.ofEpochDay(max));
    }
  }

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
  public record SegmentResult(PointMetrics point, List<IntervalMetrics> intervals, Backtest.Metrics backtest) {
    /** Point errors and the long/short backtest of {@code predictions}; all null on an empty window. */
    static SegmentResult of(Dataset d, double[] predictions, List<IntervalMetrics> intervals) {
      if (d.size() == 0) {
        return new SegmentResult(null, null, null);
      }
      return new SegmentResult(
          PointMetrics.of(predictions, d.labels()), intervals, Backtest.longShort(d, predictions).metrics());
    }
  }
}
