package io.tickcast.protocols;

import java.time.Instant;
import java.util.Map;

/**
 * What the outside world sees of one ticker: the latest bar, the indicator values computed after
 * it and the latest prediction. The same record answers HTTP queries and travels as the payload
 * of stream updates (SSE event {@code update}).
 *
 * @param sequenceNr the entity's event sequence number this view reflects; increases with every
 *     persisted event, so clients can order and de-duplicate updates
 * @param indicators indicator name to value, in a stable order; {@code null} while an indicator's
 *     window is not yet full ("not ready"), never a misleading number
 * @param barCount bars applied since the ticker was first seen
 * @param prediction the latest prediction served (null before the first); its {@code asOf} tells
 *     whether it belongs to the latest bar
 * @param predictionUnavailable why the latest bar has no prediction (null when it has one)
 * @param scores live accuracy of this ticker's resolved predictions, per "model@version"
 */
public record TickerView(
    String ticker,
    long sequenceNr,
    Bar bar,
    Map<String, Double> indicators,
    long barCount,
    Instant updatedAt,
    Prediction prediction,
    PredictionUpdate.Unavailable predictionUnavailable,
    Map<String, LiveScore> scores)
    implements TickerUpdate {

  @Override
  public String eventType() {
    return "update";
  }

  /**
   * This view once the outcome of the prediction from its bar is known, as its entity then shows
   * it: a served prediction replaces the previous one; an unavailable one keeps it (it is from an
   * older bar) and says why the newest bar has none.
   */
  public TickerView with(PredictionUpdate update) {
    boolean served = update.prediction() != null;
    return new TickerView(
        ticker, Math.max(sequenceNr, update.sequenceNr()), bar, indicators, barCount, updatedAt,
        served ? update.prediction() : prediction, served ? null : update.unavailable(), scores);
  }
}
