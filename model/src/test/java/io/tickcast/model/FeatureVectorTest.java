package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tickcast.features.IndicatorSet;
import io.tickcast.features.vector.FeatureVector;
import io.tickcast.protocols.Bar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeatureVectorTest {

  @Test
  void computesEachColumnFromItsIndicators() {
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("sma_20", 100.0);
    v.put("ema_12", 80.0);
    v.put("vwap_20", 125.0);
    v.put("macd", 2.0);
    v.put("macd_signal", 1.0);
    v.put("macd_hist", 1.0);
    v.put("rsi_14", 70.0);
    v.put("bb_pct_b", 0.9);
    v.put("bb_width", 12.0);
    v.put("atr_14", 5.0);
    v.put("stoch_k", 20.0);
    v.put("stoch_d", 40.0);
    v.put("volatility_20", 0.02);
    v.put("return_1", 0.01);
    v.put("return_5", -0.03);
    v.put("return_20", 0.1);
    v.put("volume_z_20", 1.5);
    v.put("obv", 1e9);

    double[] x = FeatureVector.of(v, 100.0).orElseThrow();

    assertThat(x).hasSize(FeatureVector.NAMES.size());
    assertThat(x)
        .containsExactly(
            new double[] {0.0, 0.25, -0.2, 0.02, 0.01, 0.01, 0.2, 0.9, 0.12, 0.05, -0.3, -0.1, 0.02, 0.01,
                -0.03, 0.1, 1.5},
            within(1e-15));
  }

  @Test
  void isEmptyUntilEveryIndicatorIsReady() {
    List<Bar> bars = TestData.bars("MSFT");
    IndicatorSet set = IndicatorSet.standard();
    int firstReady = -1;
    for (int i = 0; i < 60 && firstReady < 0; i++) {
      set.update(bars.get(i));
      Optional<double[]> x = FeatureVector.of(set.values(), bars.get(i).adjustedClose());
      if (x.isPresent()) {
        firstReady = i + 1;
      }
    }
    assertThat(firstReady).as("macd_signal is the last indicator to warm up, at bar 34").isEqualTo(34);
  }

  @Test
  void isScaleFreeSoOneModelServesEveryPriceLevel() {
    List<Bar> bars = TestData.bars("AAPL");
    IndicatorSet original = IndicatorSet.standard();
    IndicatorSet scaled = IndicatorSet.standard();
    int compared = 0;
    for (Bar b : bars.subList(0, 400)) {
      Bar big = new Bar(b.ticker(), b.start(), b.interval(), b.open() * 37, b.high() * 37, b.low() * 37,
          b.close() * 37, b.adjustedClose() * 37, b.volume());
      original.update(b);
      scaled.update(big);
      Optional<double[]> x = FeatureVector.of(original.values(), b.adjustedClose());
      Optional<double[]> y = FeatureVector.of(scaled.values(), big.adjustedClose());
      assertThat(y.isPresent()).isEqualTo(x.isPresent());
      if (x.isPresent()) {
        assertThat(y.orElseThrow()).containsExactly(x.orElseThrow(), within(1e-9));
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(300);
  }
}
