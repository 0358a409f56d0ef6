package io.tickcast.protocols;

import java.time.Instant;

/**
 * The prediction made when the bar starting at {@code asOf} closed, or why there is none: exactly
 * one of {@code prediction} and {@code unavailable} is non-null. A prediction that could not be
 * made never holds back the bar update it belongs to.
 */
public record PredictionUpdate(
    String ticker, long sequenceNr, Instant asOf, Prediction prediction, Unavailable unavailable)
    implements TickerUpdate {

  /**
   * @param code stable, machine-readable: warming-up, no-model, interval-mismatch, queue-full,
   *     timeout, inference-failed
   */
  public record Unavailable(String code, String reason) implements CborSerializable {}

  @Override
  public String eventType() {
    return "prediction";
  }
}
