package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.features.IndicatorSet;
import io.tickcast.features.vector.FeatureVector;
import io.tickcast.protocols.Bar;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetBuilderTest {
  private static final List<String> TICKERS = List.of("AIG");

  @ParameterizedTest
  @ValueSource(ints = {1, 5})
  void rowsAreLabelledWithTheForwardLogReturnAndCounted(int horizon) {
    List<Bar> bars = TestData.bars("AIG");
    DatasetBuilder.Result r = new DatasetBuilder(horizon).rows(TICKERS, 0, bars);
    Dataset d = r.dataset();

    assertThat(r.counts().featuresUndefined()).isEqualTo(33);
    assertThat(r.counts().withoutLabel()).isEqualTo(horizon);
    assertThat(r.counts().bars()).isEqualTo(bars.size());
    assertThat(d.size()).isEqualTo(bars.size() - 33 - horizon);
    // Row i is bar 33 + i; AIG's 1:20 reverse split (2009-07-01) must not show as a return.
    for (int i = 0; i < d.size(); i++) {
      Bar t = bars.get(33 + i);
      Bar later = bars.get(33 + i + horizon);
      assertThat(d.date(i)).isEqualTo(LocalDate.ofInstant(t.start(), ZoneOffset.UTC));
      assertThat(d.labelDate(i)).isEqualTo(LocalDate.ofInstant(later.start(), ZoneOffset.UTC));
      assertThat(d.label(i)).isEqualTo(Math.log(later.adjustedClose() / t.adjustedClose()));
      assertThat(d.next(i)).isEqualTo(Math.log(bars.get(34 + i).adjustedClose() / t.adjustedClose()));
    }
    int split = indexOf(d, LocalDate.of(2009, 7, 1));
    assertThat(Math.abs(d.next(split - 1))).as("raw closes would give ln 20 = 3.0").isLessThan(0.5);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5})
  void featuresAtOrBeforeTIgnoreEverythingAfterT(int horizon) {
    List<Bar> bars = TestData.bars("AIG");
    int cut = 2400; // bar index t: bars after it get shuffled and distorted
    List<Bar> future = new ArrayList<>(bars.subList(cut + 1, bars.size()));
    Collections.shuffle(future, new Random(7));
    Random noise = new Random(11);
    List<Bar> altered = new ArrayList<>(bars.subList(0, cut + 1));
    for (int i = 0; i < future.size(); i++) {
      Bar f = future.get(i);
      double m = 0.5 + noise.nextDouble();
      // Keep dates increasing: only prices and volumes of the future change.
      altered.add(new Bar(f.ticker(), bars.get(cut + 1 + i).start(), f.interval(), f.open() * m, f.high() * m,
          f.low() * m, f.close() * m, f.adjustedClose() * m, f.volume() * 3));
    }
    Dataset original = new DatasetBuilder(horizon).rows(TICKERS, 0, bars).dataset();
    Dataset changed = new DatasetBuilder(horizon).rows(TICKERS, 0, altered).dataset();

    LocalDate t = LocalDate.ofInstant(bars.get(cut).start(), ZoneOffset.UTC);
    int compared = 0;
    for (int i = 0; i < original.size() && !original.date(i).isAfter(t); i++) {
      assertThat(changed.date(i)).isEqualTo(original.date(i));
      assertThat(changed.features(i)).as("features of %s", original.date(i)).isEqualTo(original.features(i));
      if (!original.labelDate(i).isAfter(t)) {
        assertThat(changed.label(i)).isEqualTo(original.label(i));
      }
      compared++;
    }
    assertThat(compared).isEqualTo(cut + 1 - 33);
    int after = compared + 1;
    assertThat(changed.features(after)).as("the distortion reached the features after t").isNotEqualTo(original.features(after));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5})
  void theFeaturesAreTheLiveFeatureVector(int horizon) {
    List<Bar> bars = TestData.bars("WELL");
    Dataset d = new DatasetBuilder(horizon).rows(List.of("WELL"), 0, bars).dataset();
    IndicatorSet live = IndicatorSet.standard();
    int row = 0;
    for (int i = 0; i < bars.size() - horizon; i++) {
      live.update(bars.get(i));
      Optional<double[]> x = FeatureVector.of(live.values(), bars.get(i).adjustedClose());
      if (x.isPresent()) {
        assertThat(d.features(row++)).isEqualTo(x.orElseThrow());
      }
    }
    assertThat(row).isEqualTo(d.size());
  }

  private static int indexOf(Dataset d, LocalDate date) {
    for (int i = 0; i < d.size(); i++) {
      if (d.date(i).equals(date)) {
        return i;
      }
    }
    throw new AssertionError(date + " not in data set");
  }
}
