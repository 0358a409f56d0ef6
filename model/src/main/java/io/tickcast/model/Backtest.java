package io.tickcast.model;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

/**
 * A daily long/short-by-sign backtest, without costs: each day every ticker with a row takes
 * position sign(prediction) (flat at 0) with equal weight 1/N_day, and earns its next-bar simple
 * return {@code exp(next) - 1}; positions are rebalanced every day. The benchmark holds +1 in every
 * ticker the same way (equal-weight long-only, rebalanced daily).
 *
 * @param days the trading days, ascending (epoch days)
 * @param returns the portfolio's simple return of each day
 */
public record Backtest(int[] days, double[] returns) {

  /** Trading days per year, for annualising. */
  public static final int YEAR = 252;

  /** Summary of a backtest; {@code sharpe} is null when returns never vary (e.g. always flat). */
  public record Metrics(int days, double annualReturn, double annualVolatility, Double sharpe, double maxDrawdown) {}

  public static Backtest longShort(Dataset d, double[] predictions) {
    return run(d, r -> Math.signum(predictions[r]));
  }

  public static Backtest equalWeightLong(Dataset d) {
    return run(d, r -> 1.0);
  }

  private static Backtest run(Dataset d, IntToDoubleFunction position) {
    int[] sorted =
        IntStream.range(0, d.size())
            .boxed()
            .sorted(Comparator.comparingInt(d::epochDay))
            .mapToInt(Integer::intValue)
            .toArray();
    int[] days = new int[sorted.length];
    double[] returns = new double[sorted.length];
    int count = 0;
    int i = 0;
    while (i < sorted.length) {
      int day = d.epochDay(sorted[i]);
      double sum = 0.0;
      int n = 0;
      for (; i < sorted.length && d.epochDay(sorted[i]) == day; i++) {
        int r = sorted[i];
        sum += position.applyAsDouble(r) * Math.expm1(d.next(r));
        n++;
      }
      days[count] = day;
      returns[count] = sum / n;
      count++;
    }
    return new Backtest(Arrays.copyOf(days, count), Arrays.copyOf(returns, count));
  }

  public LocalDate date(int i) {
    return LocalDate.ofEpochDay(days[i]);
  }

  public Metrics metrics() {
    int n = returns.length;
    if (n == 0) {
      return new Metrics(0, 0.0, 0.0, null, 0.0);
    }
    double logWealth = 0.0;
    double peak = 0.0;
    double maxDrawdown = 0.0;
    double mean = 0.0;
    for (double r : returns) {
      logWealth += Math.log1p(r);
      peak = Math.max(peak, logWealth);
      maxDrawdown = Math.max(maxDrawdown, -Math.expm1(logWealth - peak));
      mean += r;
    }
    mean /= n;
    double var = 0.0;
    for (double r : returns) {
      var += (r - mean) * (r - mean);
    }
    double sd = n > 1 ? Math.sqrt(var / (n - 1)) : 0.0;
    double annualReturn = Math.expm1(logWealth * YEAR / n);
    return new Metrics(n, annualReturn, sd * Math.sqrt(YEAR), sd > 0 ? mean / sd * Math.sqrt(YEAR) : null, maxDrawdown);
  }

  /** Cumulative log wealth after each day, for charts. */
  public double[] cumulativeLogWealth() {
    double[] out = new double[returns.length];
    double w = 0.0;
    for (int i = 0; i < out.length; i++) {
      w += Math.log1p(returns[i]);
      out[i] = w;
    }
    return out;
  }
}
