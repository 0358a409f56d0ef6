package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void pointMetricsCountAZeroForecastAsHalfAHit() {
    PointMetrics m = PointMetrics.of(new double[] {0.01, -0.02, 0.0, 0.03}, new double[] {0.02, 0.01, -0.01, 0.0});
    assertThat(m.n()).isEqualTo(4);
    assertThat(m.mae()).isCloseTo((0.01 + 0.03 + 0.01 + 0.03) / 4, within(1e-15));
    assertThat(m.rmse()).isCloseTo(Math.sqrt((1e-4 + 9e-4 + 1e-4 + 9e-4) / 4), within(1e-15));
    // Rows with a non-zero label: hit, miss, half.
    assertThat(m.directionalAccuracy()).isCloseTo(1.5 / 3, within(1e-15));
  }

  @Test
  void backtestGoesLongOrShortBySignWithEqualWeightsPerDay() {
    Dataset.Builder b = new Dataset.Builder(List.of("A", "B"), 1);
    // Day 1: A up 10%, B down 10%. Day 2: A down 10%, B up 10%.
    b.add(0, 1, 2, new double[] {0}, 0, Math.log(1.1));
    b.add(0, 2, 3, new double[] {0}, 0, Math.log(0.9));
    b.add(1, 1, 2, new double[] {0}, 0, Math.log(0.9));
    b.add(1, 2, 3, new double[] {0}, 0, Math.log(1.1));
    Dataset d = b.build();

    Backtest perfect = Backtest.longShort(d, new double[] {1, -1, -1, 1});
    Backtest flat = Backtest.longShort(d, new double[] {0, 0, 0, 0});
    Backtest benchmark = Backtest.equalWeightLong(d);

    assertThat(perfect.days()).containsExactly(1, 2);
    assertThat(perfect.returns()).containsExactly(new double[] {0.1, 0.1}, within(1e-12));
    assertThat(benchmark.returns()).containsExactly(new double[] {0.0, 0.0}, within(1e-12));
    Backtest.Metrics m = perfect.metrics();
    // Two days of +10% compound to 1.21 = 1.1^2, annualised over 252 days: 1.1^252.
    assertThat(m.annualReturn()).isCloseTo(Math.pow(1.1, 252) - 1, within(1e-9 * Math.pow(1.1, 252)));
    assertThat(m.maxDrawdown()).isZero();
    assertThat(flat.metrics().sharpe()).as("never varies: undefined").isNull();
  }
}
