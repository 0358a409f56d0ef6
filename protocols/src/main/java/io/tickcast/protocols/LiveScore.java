package io.tickcast.protocols;

import java.util.HashMap;
import java.util.Map;

/**
 * How one model version's resolved predictions did on live data: running sums, so scores of
 * tickers and nodes add up exactly; derive MAE = absErrorSum / n, RMSE = √(squaredErrorSum / n),
 * directional accuracy = directionHits / n and coverage at a level = covered[level] / n.
 *
 * @param covered interval level (as written, e.g. "0.9") to the number of realised returns inside
 */
public record LiveScore(long n, double absErrorSum, double squaredErrorSum, long directionHits, Map<String, Long> covered)
    implements CborSerializable {

  public static final LiveScore EMPTY = new LiveScore(0, 0, 0, 0, Map.of());

  public LiveScore {
    covered = Map.copyOf(covered);
  }

  /** This score with one more prediction resolved. */
  public LiveScore plus(Prediction prediction, double realisedReturn) {
    double error = realisedReturn - prediction.expectedReturn();
    boolean hit = Math.signum(realisedReturn) == Math.signum(prediction.expectedReturn()) && realisedReturn != 0;
    Map<String, Long> nextCovered = new HashMap<>(covered);
    for (Prediction.Interval interval : prediction.intervals()) {
      nextCovered.merge(Double.toString(interval.level()), interval.covers(realisedReturn) ? 1L : 0L, Long::sum);
    }
    return new LiveScore(
        n + 1, absErrorSum + Math.abs(error), squaredErrorSum + error * error, directionHits + (hit ? 1 : 0), nextCovered);
  }

  public LiveScore plus(LiveScore other) {
    Map<String, Long> sum = new HashMap<>(covered);
    other.covered.forEach((level, count) -> sum.merge(level, count, Long::sum));
    return new LiveScore(
        n + other.n, absErrorSum + other.absErrorSum, squaredErrorSum + other.squaredErrorSum,
        directionHits + other.directionHits, sum);
  }
}
