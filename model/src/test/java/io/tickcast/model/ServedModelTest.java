package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Prediction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

class ServedModelTest {

  /** Φ⁻¹(0.9) and Φ⁻¹(0.95): the quantiles of exactly normal residuals with σ = 1 × scale. */
  private static final double Z80 = 1.2815515655446004;
  private static final double Z90 = 1.6448536269514722;

  private static final Instant AS_OF = Instant.parse("2021-04-20T00:00:00Z");
  private static final Instant ISSUED = Instant.parse("2021-04-20T21:00:01Z");

  @Test
  void intervalsAreOutputPlusMinusQuantileTimesVolatilityTimesRootHorizonNarrowestFirst() throws Exception {
    ServedModel model = new ServedModel(metadata(4, "PT24H", List.of(interval(0.9, Z90), interval(0.8, Z80))));
    double[] features = features(0.02);
    Prediction p = model.prediction("AAPL", AS_OF, 100.0, features, 0.01, ISSUED);

    double scale = 0.02 * 2; // volatility_20 × √4
    assertThat(p.intervals()).extracting(Prediction.Interval::level).containsExactly(0.8, 0.9);
    Prediction.Interval eighty = p.intervals().get(0);
    assertThat(eighty.lowerReturn()).isCloseTo(0.01 - Z80 * scale, within(1e-15));
    assertThat(eighty.upperReturn()).isCloseTo(0.01 + Z80 * scale, within(1e-15));
    assertThat(eighty.lowerPrice()).isCloseTo(100.0 * Math.exp(0.01 - Z80 * scale), within(1e-12));
    assertThat(eighty.upperPrice()).isCloseTo(100.0 * Math.exp(0.01 + Z80 * scale), within(1e-12));
    assertThat(p.intervals().get(1).upperReturn()).isCloseTo(0.01 + Z90 * scale, within(1e-15));
    assertThat(p.expectedReturn()).isEqualTo(0.01);
    assertThat(p.expectedPrice()).isCloseTo(100.0 * Math.exp(0.01), within(1e-12));
    assertThat(p)
        .extracting(Prediction::ticker, Prediction::asOf, Prediction::horizon, Prediction::lastClose, Prediction::issuedAt)
        .containsExactly("AAPL", AS_OF, 4, 100.0, ISSUED);
    assertThat(p.model()).isEqualTo(model.metadata().name());
    assertThat(p.modelVersion()).isEqualTo(model.metadata().version());
    assertThat(p.features()).isSameAs(features);
  }

  @Test
  void directionProbabilityIsTheNormalCdfWithTheSpreadOfTheNarrowestInterval() throws Exception {
    // The 80% quantile is Φ⁻¹(0.9): residuals have σ = 1 × scale.
    ServedModel model = new ServedModel(metadata(1, "PT24H", List.of(interval(0.8, Z80), interval(0.9, 2.5))));
    double scale = 0.015;
    assertThat(model.prediction("X", AS_OF, 50.0, features(scale), 0.0, ISSUED).directionProbability())
        .isCloseTo(0.5, within(1e-7));
    assertThat(model.prediction("X", AS_OF, 50.0, features(scale), scale, ISSUED).directionProbability())
        .isCloseTo(0.8413447460685429, within(1e-7)); // Φ(1)
    assertThat(model.prediction("X", AS_OF, 50.0, features(scale), -2 * scale, ISSUED).directionProbability())
        .isCloseTo(0.022750131948179195, within(1e-7)); // Φ(-2)

    // Twice the quantile at the same level: twice the spread, so half the z-score.
    ServedModel wider = new ServedModel(metadata(1, "PT24H", List.of(interval(0.8, 2 * Z80))));
    assertThat(wider.prediction("X", AS_OF, 50.0, features(scale), 2 * scale, ISSUED).directionProbability())
        .isCloseTo(0.8413447460685429, within(1e-7));
  }

  @Test
  void theFastNormalCdfAgreesWithCommonsMathEverywhere() {
    NormalDistribution reference = new NormalDistribution(null, 0, 1);
    for (double x = -9; x <= 9; x += 0.001) {
      assertThat(ServedModel.standardNormalCdf(x)).as("Φ(%f)", x).isCloseTo(reference.cumulativeProbability(x), within(7.5e-8));
    }
  }

  @Test
  void volatilityIsFlooredSoIntervalsNeverCollapse() throws Exception {
    ServedModel model = new ServedModel(metadata(1, "PT24H", List.of(interval(0.8, Z80))));
    Prediction p = model.prediction("X", AS_OF, 10.0, features(0.0), 0.0, ISSUED);
    assertThat(p.intervals().get(0).upperReturn()).isCloseTo(Z80 * 1e-4, within(1e-18));
    assertThat(p.directionProbability()).isCloseTo(0.5, within(1e-7));
  }

  @Test
  void servesOnlyTheBarIntervalItWasTrainedOn() throws Exception {
    ServedModel minute = new ServedModel(metadata(1, "PT1M", List.of(interval(0.8, Z80))));
    assertThat(minute.serves(Duration.ofMinutes(1))).isTrue();
    assertThat(minute.serves(Duration.ofDays(1))).isFalse();
    // No bar interval in the metadata: a model trained before the field existed, on daily bars.
    ServedModel old = new ServedModel(metadata(1, null, List.of(interval(0.8, Z80))));
    assertThat(old.serves(Duration.ofDays(1))).isTrue();
    assertThat(old.serves(Duration.ofMinutes(1))).isFalse();
  }

  @Test
  void refusesAModelWithoutCalibratedIntervals() throws Exception {
    ModelMetadata none = metadata(1, "PT24H", List.of());
    assertThatThrownBy(() -> new ServedModel(none)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intervals");
  }

  /** The shipped model's metadata with another horizon, bar interval (null when null) and intervals. */
  private static ModelMetadata metadata(int horizon, String barInterval, List<IntervalMetrics> intervals) throws Exception {
    ObjectNode json = Json.MAPPER.valueToTree(ModelArtifact.loadDefault().metadata());
    json.put("horizon", horizon);
    json.set("intervals", Json.MAPPER.valueToTree(intervals));
    json.put("barInterval", barInterval);
    return Json.MAPPER.treeToValue(json, ModelMetadata.class);
  }

  private static IntervalMetrics interval(double level, double quantile) {
    return new IntervalMetrics(level, quantile, level, 0.0);
  }

  /** A feature vector whose volatility_20 is {@code volatility}, other columns arbitrary. */
  private static double[] features(double volatility) {
    FeatureSchema schema = FeatureSchema.current();
    double[] x = new double[schema.size()];
    java.util.Arrays.fill(x, 0.3);
    x[schema.indexOf("volatility_20")] = volatility;
    return x;
  }
}
