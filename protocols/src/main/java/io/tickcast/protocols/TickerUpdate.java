package io.tickcast.protocols;

/**
 * What a ticker entity publishes to stream subscribers, in the order it happened: a new bar with
 * its indicators ({@link TickerView}, SSE event {@code update}) or the outcome of the prediction
 * made from it ({@link PredictionUpdate}, SSE event {@code prediction}), or an alert of one of its
 * watches ({@link AlertUpdate}, SSE event {@code alert}).
 */
public sealed interface TickerUpdate extends CborSerializable permits TickerView, PredictionUpdate, AlertUpdate {

  String ticker();

  /** The entity's event sequence number this update reflects. */
  long sequenceNr();

  /** The SSE event type. */
  String eventType();
}
