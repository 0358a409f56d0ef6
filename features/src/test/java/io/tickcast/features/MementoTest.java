package io.tickcast.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.tickcast.protocols.Bar;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Snapshot after N bars, serialize, restore, continue for M bars: every value after every bar is
 * bitwise equal to an uninterrupted run ({@code Map.equals} compares doubles by their bits).
 */
class MementoTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  @ParameterizedTest(name = "{0} after {1} bars")
  @CsvSource({"AIG, 0", "AIG, 5", "AIG, 30", "AIG, 2410", "AAPL, 3717", "MSFT, 4001"})
  void jsonAndCborRoundTripsContinueBitwiseIdentically(String ticker, int n) throws IOException {
    List<Bar> bars = MarketData.daily(ticker);
    int end = Math.min(bars.size(), n + 400);

    IndicatorSet uninterrupted = IndicatorSet.standard();
    List<Map<String, Double>> expected = new ArrayList<>();
    for (int i = 0; i < end; i++) {
      uninterrupted.update(bars.get(i));
      expected.add(uninterrupted.values());
    }

    IndicatorSet first = IndicatorSet.standard();
    for (int i = 0; i < n; i++) {
      first.update(bars.get(i));
    }
    IndicatorSet.Memento memento = first.memento();

    for (ObjectMapper mapper : List.of(JSON, CBOR)) {
      IndicatorSet.Memento copy =
          mapper.readValue(mapper.writeValueAsBytes(memento), IndicatorSet.Memento.class);
      assertThat(copy).isEqualTo(memento);
      IndicatorSet resumed = IndicatorSet.fromMemento(copy);
      assertThat(resumed.barCount()).isEqualTo(n);
      for (int i = n; i < end; i++) {
        resumed.update(bars.get(i));
        assertThat(resumed.values()).as("bar %d", i + 1).isEqualTo(expected.get(i));
      }
      assertThat(resumed.memento()).isEqualTo(uninterrupted.memento());
    }
  }

  @ParameterizedTest(name = "{0} bars")
  @CsvSource({"0", "25"})
  void mementoIsADeepCopy(int n) {
    List<Bar> bars = MarketData.daily("MSFT");
    IndicatorSet set = IndicatorSet.standard();
    for (int i = 0; i < n; i++) {
      set.update(bars.get(i));
    }
    IndicatorSet.Memento before = set.memento();
    for (int i = n; i < n + 50; i++) {
      set.update(bars.get(i));
    }
    IndicatorSet.Memento again = IndicatorSet.fromMemento(before).memento();
    assertThat(again).isEqualTo(before).isNotEqualTo(set.memento());
  }
}
