package io.tickcast.protocols;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A model's forecast for one ticker, made when a bar closed. Everything needed to judge it later
 * travels with it: the model and version that made it and the exact feature vector it was fed, so
 * live error can be tracked per model and the vector reused for point-in-time retraining.
 *
 * @param asOf start of the bar whose close the forecast is made from
 * @param horizon bars ahead; {@code expectedReturn} is ln(adjusted close at asOf + horizon bars /
 *     {@code lastClose})
 * @param lastClose the adjusted close of the {@code asOf} bar
 * @param expectedPrice {@code lastClose × exp(expectedReturn)}
 * @param intervals calibrated (split-conformal) intervals, one per confidence level, narrowest first
 * @param directionProbability estimated probability that the realised return is positive
 * @param features the model's input, in the order of its feature schema
 */
public record Prediction(
    String ticker,
    Instant asOf,
    int horizon,
    double lastClose,
    double expectedReturn,
    double expectedPrice,
    List<Interval> intervals,
    double directionProbability,
    String model,
    String modelVersion,
    double[] features,
    Instant issuedAt)
    implements CborSerializable {

  // Records compare arrays by identity; a prediction read back from the journal must equal itself.
  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p
        && ticker.equals(p.ticker) && asOf.equals(p.asOf) && horizon == p.horizon
        && Double.compare(lastClose, p.lastClose) == 0 && Double.compare(expectedReturn, p.expectedReturn) == 0
        && Double.compare(expectedPrice, p.expectedPrice) == 0 && intervals.equals(p.intervals)
        && Double.compare(directionProbability, p.directionProbability) == 0 && model.equals(p.model)
        && modelVersion.equals(p.modelVersion) && Arrays.equals(features, p.features) && issuedAt.equals(p.issuedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ticker, asOf, modelVersion, expectedReturn) * 31 + Arrays.hashCode(features);
  }

  @Override
  public String toString() {
    return "Prediction[" + ticker + " asOf=" + asOf + " h=" + horizon + " expectedReturn=" + expectedReturn + " intervals="
        + intervals + " up=" + directionProbability + " model=" + model + "@" + modelVersion + " features="
        + Arrays.toString(features) + " issuedAt=" + issuedAt + "]";
  }

  /** Returns and prices at which the realised value should fall with probability {@code level}. */
  public record Interval(double level, double lowerReturn, double upperReturn, double lowerPrice, double upperPrice)
      implements CborSerializable {

    public boolean covers(double realisedReturn) {
      return realisedReturn >= lowerReturn && realisedReturn <= upperReturn;
    }
  }
}
