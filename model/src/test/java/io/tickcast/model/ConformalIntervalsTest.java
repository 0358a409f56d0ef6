package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ConformalIntervalsTest {

  @Test
  void coversTheNominalShareOfGaussianNoiseWithKnownScale() {
    Sample calibration = sample(20_000, 1);
    Sample test = sample(50_000, 2);
    ConformalIntervals c = ConformalIntervals.calibrate(calibration.prediction, calibration.label, calibration.scale, 0.8, 0.9);

    IntervalMetrics[] m = c.evaluate(test.prediction, test.label, test.scale);

    assertThat(m[0].coverage()).isCloseTo(0.8, within(0.01));
    assertThat(m[1].coverage()).isCloseTo(0.9, within(0.01));
    // Normalised scores of N(0, σ²) noise are |N(0, 1)|: quantiles 1.2816 and 1.6449.
    assertThat(c.quantiles()[0]).isCloseTo(1.2816, within(0.03));
    assertThat(c.quantiles()[1]).isCloseTo(1.6449, within(0.03));
  }

  @Test
  void usesTheFiniteSampleQuantileRank() {
    double[] zero = new double[9];
    double[] labels = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    double[] scales = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    ConformalIntervals c = ConformalIntervals.calibrate(zero, labels, scales, 0.8, 0.95);
    // ⌈10 · 0.8⌉ = 8th smallest score; ⌈10 · 0.95⌉ = 10 > 9 scores: unbounded.
    assertThat(c.quantiles()[0]).isEqualTo(8.0);
    assertThat(c.quantiles()[1]).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void scaleFollowsVolatilityAndHorizonWithAFloor() {
    assertThat(ConformalIntervals.scale(0.02, 1)).isEqualTo(0.02);
    assertThat(ConformalIntervals.scale(0.02, 4)).isEqualTo(0.04);
    assertThat(ConformalIntervals.scale(0.0, 1)).isEqualTo(ConformalIntervals.MIN_SCALE);
  }

  private record Sample(double[] prediction, double[] label, double[] scale) {}

  /** Heteroscedastic: σ varies 20-fold across rows, and σ is known to the calibrator. */
  private static Sample sample(int n, long seed) {
    Random r = new Random(seed);
    double[] p = new double[n];
    double[] y = new double[n];
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = 0.001 * r.nextGaussian();
      s[i] = 0.005 + 0.095 * r.nextDouble();
      y[i] = p[i] + s[i] * r.nextGaussian();
    }
    return new Sample(p, y, s);
  }
}
