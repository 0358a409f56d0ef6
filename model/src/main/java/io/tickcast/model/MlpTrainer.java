package io.tickcast.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Trains an {@link Mlp} by mini-batch Adam (Tribuo has no MLP). The target is standardised with the
 * training labels' mean and deviation; the loss is Huber (quadratic within {@code huberDelta}
 * standard deviations, linear beyond), so the fat tails of daily returns do not dominate the fit.
 * Rows are visited in a fresh seeded permutation each epoch: shuffling inside the training window
 * is harmless, it is the split that must respect time. The weights of the epoch with the lowest
 * validation loss are kept (the last epoch's when there is no validation set).
 *
 * <p>Single-threaded and seeded ({@link java.util.Random}, whose sequence Java specifies), so a
 * given seed gives bitwise the same model on every run.
 */
public final class MlpTrainer {

  public record Config(
      int hidden, int epochs, int batchSize, double learningRate, double l2, double huberDelta) {
    public Config {
      if (hidden < 1 || epochs < 1 || batchSize < 1 || !(learningRate > 0) || l2 < 0 || !(huberDelta > 0)) {
        throw new IllegalArgumentException("invalid MLP config: " + this);
      }
    }

    public static Config defaults() {
      return new Config(32, 6, 256, 1e-3, 1e-4, 1.0);
    }
  }

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final Config config;
  private final long seed;

  public MlpTrainer(Config config, long seed) {
    this.config = config;
    this.seed = seed;
  }

  public Mlp train(Dataset train, Dataset validate, Standardizer standardizer, Progress progress) {
    int f = standardizer.size();
    int h = config.hidden();
    double yMean = Arrays.stream(train.labels()).average().orElseThrow();
    double ySd = Math.sqrt(Arrays.stream(train.labels()).map(y -> (y - yMean) * (y - yMean)).sum() / (train.size() - 1));
    double[] z = standardizer.applyAll(train);
    double[] y = standardizedTargets(train, yMean, ySd);
    double[] zVal = standardizer.applyAll(validate);
    double[] yVal = standardizedTargets(validate, yMean, ySd);

    // Parameters, flat: W1 [h*f], b1 [h], w2 [h], b2 [1].
    Layout at = new Layout(h, f);
    double[] theta = new double[at.size];
    Random random = new Random(seed);
    double heScale = Math.sqrt(2.0 / f);
    for (int i = 0; i < h * f; i++) {
      theta[at.w1 + i] = random.nextGaussian() * heScale;
    }
    for (int k = 0; k < h; k++) {
      theta[at.w2 + k] = random.nextGaussian() * Math.sqrt(1.0 / h);
    }

    double[] grad = new double[at.size];
    double[] m = new double[at.size];
    double[] v = new double[at.size];
    double[] hiddenPre = new double[h];
    int[] order = new int[train.size()];
    Arrays.setAll(order, i -> i);
    double[] best = theta.clone();
    double bestLoss = Double.POSITIVE_INFINITY;
    long step = 0;
    long startNanos = System.nanoTime();
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      shuffle(order, random);
      for (int start = 0; start < order.length; start += config.batchSize()) {
        int end = Math.min(order.length, start + config.batchSize());
        Arrays.fill(grad, 0.0);
        for (int b = start; b < end; b++) {
          int row = order[b];
          int off = row * f;
          double out = forward(theta, at, z, off, hiddenPre);
          double d = huberGradient(out - y[row]);
          grad[at.b2] += d;
          for (int k = 0; k < h; k++) {
            double a = hiddenPre[k];
            if (a > 0.0) {
              grad[at.w2 + k] += d * a;
              double dk = d * theta[at.w2 + k];
              grad[at.b1 + k] += dk;
              int w = at.w1 + k * f;
              for (int j = 0; j < f; j++) {
                grad[w + j] += dk * z[off + j];
              }
            }
          }
        }
        double inv = 1.0 / (end - start);
        step++;
        double lr = config.learningRate() * Math.sqrt(1 - Math.pow(BETA2, step)) / (1 - Math.pow(BETA1, step));
        for (int i = 0; i < at.size; i++) {
          double g = grad[i] * inv + (at.isWeight(i) ? config.l2() * theta[i] : 0.0);
          m[i] = BETA1 * m[i] + (1 - BETA1) * g;
          v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
          theta[i] -= lr * m[i] / (Math.sqrt(v[i]) + EPSILON);
        }
      }
      double loss = validate.size() > 0 ? meanHuber(theta, at, zVal, yVal, hiddenPre) : Double.NaN;
      if (validate.size() == 0 || loss < bestLoss) {
        bestLoss = loss;
        best = theta.clone();
      }
      progress.note(String.format(Locale.ROOT, "mlp epoch %d/%d: validation Huber loss %.6f (%.1f s)",
          epoch + 1, config.epochs(), loss, (System.nanoTime() - startNanos) / 1e9));
    }

    double[] w2 = new double[h];
    for (int k = 0; k < h; k++) {
      w2[k] = best[at.w2 + k] * ySd;
    }
    return new Mlp(
        standardizer,
        h,
        Arrays.copyOfRange(best, at.w1, at.w1 + h * f),
        Arrays.copyOfRange(best, at.b1, at.b1 + h),
        w2,
        best[at.b2] * ySd + yMean);
  }

  private record Layout(int hidden, int features, int w1, int b1, int w2, int b2, int size) {
    Layout(int hidden, int features) {
      this(hidden, features, 0, hidden * features, hidden * features + hidden,
          hidden * features + 2 * hidden, hidden * features + 2 * hidden + 1);
    }

    /** Weights get the L2 penalty; biases do not. */
    boolean isWeight(int i) {
      return i < b1 || (i >= w2 && i < b2);
    }
  }

  private static double forward(double[] theta, Layout at, double[] z, int off, double[] hiddenPre) {
    int f = at.features;
    double out = theta[at.b2];
    for (int k = 0; k < at.hidden; k++) {
      double a = theta[at.b1 + k];
      int w = at.w1 + k * f;
      for (int j = 0; j < f; j++) {
        a += theta[w + j] * z[off + j];
      }
      hiddenPre[k] = a;
      if (a > 0.0) {
        out += theta[at.w2 + k] * a;
      }
    }
    return out;
  }

  private double huberGradient(double error) {
    double delta = config.huberDelta();
    return Math.max(-delta, Math.min(delta, error));
  }

  private double meanHuber(double[] theta, Layout at, double[] z, double[] y, double[] hiddenPre) {
    double delta = config.huberDelta();
    double sum = 0.0;
    for (int r = 0; r < y.length; r++) {
      double e = Math.abs(forward(theta, at, z, r * at.features, hiddenPre) - y[r]);
      sum += e <= delta ? 0.5 * e * e : delta * (e - 0.5 * delta);
    }
    return sum / y.length;
  }

  private static double[] standardizedTargets(Dataset d, double mean, double sd) {
    double[] y = new double[d.size()];
    for (int r = 0; r < y.length; r++) {
      y[r] = (d.label(r) - mean) / sd;
    }
    return y;
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
