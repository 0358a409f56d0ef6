package io.tickcast.model;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What the live system needs to know about an exported ONNX model, written next to it as JSON.
 * Serve it only if {@link #featureSchema} equals {@link FeatureSchema#current()} and the file's
 * SHA-256 matches; the interval of level {@code intervals[i].level} is {@code prediction ±
 * intervals[i].quantile × max(volatility_20, 1e-4) × √horizon}.
 *
 * @param version the first 12 hex digits of {@code sha256}: equal versions are equal models
 * @param target what the output is: the log return of the adjusted close over {@code horizon} bars
 * @param barInterval the bars the model was trained on and may serve (required in JSON; null from
 *     code means daily bars)
 */
public record ModelMetadata(
    String name,
    String version,
    String kind,
    Instant created,
    int horizon,
    String target,
    Duration barInterval,
    FeatureSchema featureSchema,
    String input,
    String output,
    boolean standardizationInGraph,
    Window training,
    Window validation,
    Window test,
    int trainingTickers,
    List<String> heldOutTickers,
    int trainingRows,
    List<IntervalMetrics> intervals,
    PointMetrics validationMetrics,
    PointMetrics testMetrics,
    boolean promotable,
    String onnxFile,
    String sha256) {

  public ModelMetadata {
    barInterval = barInterval == null ? Duration.ofDays(1) : barInterval;
  }

  /** An inclusive date range. */
  public record Window(LocalDate from, LocalDate to) {}
}
