package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.junit.jupiter.api.Test;

class RidgeRegressionTest {

  @Test
  void withoutPenaltyItIsOrdinaryLeastSquares() {
    Synthetic s = Synthetic.linear(4000, new double[] {0.5, -2.0, 0.0, 1.25}, 0.3, 3);
    Standardizer st = Standardizer.fit(s.dataset());
    RidgeRegression ridge = RidgeRegression.fit(s.dataset(), st, 0.0);

    OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
    ols.newSampleData(s.y(), s.x());
    double[] beta = ols.estimateRegressionParameters();
    Random r = new Random(5);
    for (int i = 0; i < 100; i++) {
      double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
      double expected = beta[0];
      for (int j = 0; j < 4; j++) {
        expected += beta[j + 1] * x[j];
      }
      assertThat(ridge.predict(x)).isCloseTo(expected, within(1e-9));
    }
    assertThat(beta[2]).isCloseTo(-2.0, within(0.05));
  }

  @Test
  void thePenaltyShrinksTheCoefficients() {
    Synthetic s = Synthetic.linear(2000, new double[] {1.0, 1.0}, 1.0, 9);
    Standardizer st = Standardizer.fit(s.dataset());
    double free = norm(RidgeRegression.fit(s.dataset(), st, 0.0).coefficients());
    double shrunk = norm(RidgeRegression.fit(s.dataset(), st, 1.0).coefficients());
    assertThat(shrunk).isLessThan(free * 0.6);
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  /** y = intercept 0.1 + x·β + N(0, noise²), x ~ N(0, I) (x scaled per column to vary the scales). */
  record Synthetic(Dataset dataset, double[][] x, double[] y) {
    static Synthetic linear(int n, double[] beta, double noise, long seed) {
      Random r = new Random(seed);
      Dataset.Builder b = new Dataset.Builder(List.of("SYN"), beta.length);
      double[][] xs = new double[n][];
      double[] ys = new double[n];
      for (int i = 0; i < n; i++) {
        double[] x = new double[beta.length];
        double y = 0.1;
        for (int j = 0; j < x.length; j++) {
          x[j] = r.nextGaussian() * (j + 1);
          y += beta[j] * x[j];
        }
        y += noise * r.nextGaussian();
        xs[i] = x;
        ys[i] = y;
        b.add(0, i, i + 1, x, y, y);
      }
      return new Synthetic(b.build(), xs, ys);
    }
  }
}
