package io.tickcast.protocols;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * What a watch waits for: one value of its ticker on the far side of a level. Each kind names the
 * value; {@code direction} says which side holds the condition (strictly above or below {@code
 * level}). A value the ticker does not have yet (no prediction, an indicator still warming up)
 * holds no condition.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = WatchCondition.PredictedReturn.class, name = "predicted-return"),
  @JsonSubTypes.Type(value = WatchCondition.DirectionProbability.class, name = "direction-probability"),
  @JsonSubTypes.Type(value = WatchCondition.PriceCross.class, name = "price-cross"),
  @JsonSubTypes.Type(value = WatchCondition.IndicatorCross.class, name = "indicator-cross")
})
public sealed interface WatchCondition extends CborSerializable {

  Direction direction();

  double level();

  /** The value compared with {@link #level()}, or null while the ticker has none. */
  Double valueIn(Observation observation);

  default boolean holds(Observation observation) {
    Double value = valueIn(observation);
    return value != null && (direction() == Direction.ABOVE ? value > level() : value < level());
  }

  enum Direction {
    @JsonProperty("above")
    ABOVE,
    @JsonProperty("below")
    BELOW
  }

  /**
   * What a ticker shows after one update: its newest bar, the indicator values after it (null
   * values while not ready) and its latest prediction (null before the first).
   */
  record Observation(Bar bar, Map<String, Double> indicators, Prediction prediction) {}

  /** The latest prediction's expected log return. */
  record PredictedReturn(Direction direction, double level) implements WatchCondition {
    @Override
    public Double valueIn(Observation o) {
      return o.prediction() == null ? null : o.prediction().expectedReturn();
    }
  }

  /** The latest prediction's probability that the return is positive. */
  record DirectionProbability(Direction direction, double level) implements WatchCondition {
    @Override
    public Double valueIn(Observation o) {
      return o.prediction() == null ? null : o.prediction().directionProbability();
    }
  }

  /** The newest bar's close as traded (not split-adjusted: the price a trader sees). */
  record PriceCross(Direction direction, double level) implements WatchCondition {
    @Override
    public Double valueIn(Observation o) {
      return o.bar() == null ? null : o.bar().close();
    }
  }

  /** One indicator of {@code TickerView.indicators} by its key, e.g. {@code rsi_14}. */
  record IndicatorCross(String indicator, Direction direction, double level) implements WatchCondition {
    @Override
    public Double valueIn(Observation o) {
      return o.indicators().get(indicator);
    }
  }
}
