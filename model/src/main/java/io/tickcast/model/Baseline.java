package io.tickcast.model;

import java.util.Arrays;

/** Forecasts that need no training, against which the models are judged. */
public enum Baseline {
  /** Predicts a zero log return: tomorrow's price is today's. */
  RANDOM_WALK("random_walk"),
  /** Predicts the mean label of the training window for every row. */
  TRAIN_MEAN("train_mean"),
  /** Predicts the last observed return over the same horizon (return_1, return_5 or return_20). */
  LAST_RETURN("last_return");

  private final String id;

  Baseline(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The feature LAST_RETURN repeats for a horizon; only 1, 5 and 20 bars have one. */
  public static String lastReturnFeature(int horizon) {
    return switch (horizon) {
      case 1, 5, 20 -> "return_" + horizon;
      default -> throw new IllegalArgumentException("no return feature for horizon " + horizon + " (use 1, 5 or 20)");
    };
  }

  public double[] predict(Dataset d, double trainMean, int horizon) {
    double[] out = new double[d.size()];
    return switch (this) {
      case RANDOM_WALK -> out;
      case TRAIN_MEAN -> {
        Arrays.fill(out, trainMean);
        yield out;
      }
      case LAST_RETURN -> {
        int column = FeatureSchema.current().indexOf(lastReturnFeature(horizon));
        Arrays.setAll(out, r -> d.feature(r, column));
        yield out;
      }
    };
  }
}
