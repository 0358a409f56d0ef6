package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MlpTrainerTest {
  private static final MlpTrainer.Config CONFIG = new MlpTrainer.Config(16, 8, 128, 3e-3, 1e-5, 1.0);

  @Test
  void learnsANonLinearityThatRidgeCannot() {
    Dataset train = hinge(20_000, 1);
    Dataset validate = hinge(4_000, 2);
    Dataset test = hinge(4_000, 3);
    Standardizer st = Standardizer.fit(train);

    Mlp mlp = new MlpTrainer(CONFIG, 42).train(train, validate, st, Progress.silent());
    RidgeRegression ridge = RidgeRegression.fit(train, st, 0.0);

    double mlpMse = mse(mlp.predict(test), test.labels());
    double ridgeMse = mse(ridge.predict(test), test.labels());
    double noise = 0.002 * 0.002;
    assertThat(mlpMse).isLessThan(noise * 1.5);
    assertThat(ridgeMse).isGreaterThan(noise * 3);
  }

  @Test
  void aSeedGivesBitwiseTheSameModel() {
    Dataset train = hinge(5_000, 4);
    Dataset validate = hinge(1_000, 5);
    Standardizer st = Standardizer.fit(train);
    Mlp a = new MlpTrainer(CONFIG, 7).train(train, validate, st, Progress.silent());
    Mlp b = new MlpTrainer(CONFIG, 7).train(train, validate, st, Progress.silent());
    Mlp c = new MlpTrainer(CONFIG, 8).train(train, validate, st, Progress.silent());

    assertThat(b.w1()).isEqualTo(a.w1());
    assertThat(b.b1()).isEqualTo(a.b1());
    assertThat(b.w2()).isEqualTo(a.w2());
    assertThat(b.b2()).isEqualTo(a.b2());
    assertThat(c.w1()).isNotEqualTo(a.w1());
  }

  /** y = 0.02 · max(0, x0) − 0.01 · x1 + noise, in return-like units; x2 is irrelevant. */
  private static Dataset hinge(int n, long seed) {
    Random r = new Random(seed);
    Dataset.Builder b = new Dataset.Builder(List.of("SYN"), 3);
    for (int i = 0; i < n; i++) {
      double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
      double y = 0.02 * Math.max(0, x[0]) - 0.01 * x[1] + 0.002 * r.nextGaussian();
      b.add(0, i, i + 1, x, y, y);
    }
    return b.build();
  }

  private static double mse(double[] p, double[] y) {
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      s += (p[i] - y[i]) * (p[i] - y[i]);
    }
    return s / y.length;
  }
}
