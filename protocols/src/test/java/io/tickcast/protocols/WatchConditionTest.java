package io.tickcast.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.WatchCondition.Direction;
import io.tickcast.protocols.WatchCondition.DirectionProbability;
import io.tickcast.protocols.WatchCondition.IndicatorCross;
import io.tickcast.protocols.WatchCondition.Observation;
import io.tickcast.protocols.WatchCondition.PredictedReturn;
import io.tickcast.protocols.WatchCondition.PriceCross;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchConditionTest {

  private static final Instant T = Instant.parse("2024-03-01T00:00:00Z");
  // Raw close 200, split-adjusted 50: prices are compared as traded.
  private static final Bar BAR = new Bar("AAPL", T, Duration.ofDays(1), 198, 202, 197, 200, 50, 1000);
  private static final Prediction PREDICTION =
      new Prediction("AAPL", T, 1, 50, 0.012, 50.6, List.of(), 0.61, "m", "v1", new double[] {1}, T);

  private static Observation observation(Prediction prediction) {
    Map<String, Double> indicators = new HashMap<>();
    indicators.put("rsi_14", 71.5);
    indicators.put("sma_20", null); // not ready
    return new Observation(BAR, indicators, prediction);
  }

  @Test
  void eachKindReadsItsValue() {
    Observation o = observation(PREDICTION);
    assertThat(new PredictedReturn(Direction.ABOVE, 0).valueIn(o)).isEqualTo(0.012);
    assertThat(new DirectionProbability(Direction.ABOVE, 0).valueIn(o)).isEqualTo(0.61);
    assertThat(new PriceCross(Direction.ABOVE, 0).valueIn(o)).isEqualTo(200.0);
    assertThat(new IndicatorCross("rsi_14", Direction.ABOVE, 0).valueIn(o)).isEqualTo(71.5);
  }

  @Test
  void aboveAndBelowAreStrict() {
    Observation o = observation(PREDICTION);
    assertThat(new PriceCross(Direction.ABOVE, 199.99).holds(o)).isTrue();
    assertThat(new PriceCross(Direction.ABOVE, 200).holds(o)).isFalse();
    assertThat(new PriceCross(Direction.BELOW, 200).holds(o)).isFalse();
    assertThat(new PriceCross(Direction.BELOW, 200.01).holds(o)).isTrue();
    assertThat(new PredictedReturn(Direction.BELOW, -0.01).holds(o)).isFalse();
    assertThat(new DirectionProbability(Direction.ABOVE, 0.6).holds(o)).isTrue();
    assertThat(new IndicatorCross("rsi_14", Direction.ABOVE, 70).holds(o)).isTrue();
  }

  @Test
  void aValueTheTickerDoesNotHaveHoldsNoCondition() {
    Observation noPrediction = observation(null);
    assertThat(new PredictedReturn(Direction.BELOW, 1).holds(noPrediction)).isFalse();
    assertThat(new DirectionProbability(Direction.BELOW, 1).holds(noPrediction)).isFalse();
    assertThat(new IndicatorCross("sma_20", Direction.ABOVE, 0).holds(noPrediction)).isFalse();
    assertThat(new IndicatorCross("sma_20", Direction.BELOW, 1e9).holds(noPrediction)).isFalse();
  }

  @Test
  void readsAndWritesTheJsonForm() throws Exception {
    WatchCondition condition = new IndicatorCross("rsi_14", Direction.BELOW, 30);
    String json = Json.MAPPER.writeValueAsString(condition);
    assertThat(json).isEqualTo("{\"type\":\"indicator-cross\",\"indicator\":\"rsi_14\",\"direction\":\"below\",\"level\":30.0}");
    assertThat(Json.MAPPER.readValue(json, WatchCondition.class)).isEqualTo(condition);
    assertThat(Json.MAPPER.readValue("{\"type\":\"price-cross\",\"direction\":\"above\",\"level\":150}", WatchCondition.class))
        .isEqualTo(new PriceCross(Direction.ABOVE, 150));
  }

  @Test
  void aWatchIdNamesItsTicker() {
    String id = Watch.newId("BRK.B");
    assertThat(id).startsWith("BRK.B~").hasSize("BRK.B~".length() + 32);
    assertThat(Watch.tickerOf(id)).hasValue("BRK.B");
    assertThat(Watch.tickerOf("BRK.B")).isEmpty();
    assertThat(Watch.tickerOf("nope~" + id.substring(6))).isEmpty();
    assertThat(Watch.tickerOf("AAPL~xyz")).isEmpty();
  }
}
