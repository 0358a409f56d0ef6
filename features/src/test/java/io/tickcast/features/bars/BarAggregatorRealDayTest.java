package io.tickcast.features.bars;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.tickcast.protocols.Trade;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whole real SPY day (2013-10-07, extended session): ordering, conservation and snapshots. */
class BarAggregatorRealDayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final Instant START = Instant.parse("2013-10-07T08:00:00Z");
  private static final Instant END = Instant.parse("2013-10-08T00:00:00Z");

  private static List<Trade> trades;

  @BeforeAll
  static void readTrades() {
    trades = IntradayData.trades("SPY", "20131007");
  }

  private static BarAggregator aggregator(Duration interval) {
    return new BarAggregator(
        "SPY", interval, Session.EXTENDED, Duration.ofSeconds(1), SaleConditionFilter.ALGOSEEK);
  }

  /** Feeds trades [from, to) and, when {@code to} is the end, the closing watermark. */
  private static List<ClosedBar> feed(BarAggregator bars, int from, int to) {
    List<ClosedBar> closed = new ArrayList<>();
    for (int i = from; i < to; i++) {
      bars.onTrade(trades.get(i)).closedBar().ifPresent(closed::add);
    }
    if (to == trades.size()) {
      bars.advanceWatermark(END).ifPresent(closed::add);
    }
    return closed;
  }

  @ParameterizedTest(name = "{0} bars")
  @CsvSource({"PT1S", "PT1M", "PT5M", "P1D"})
  void barsComeInOrderAndHoldEveryAppliedTradeExactlyOnce(Duration interval) {
    BarAggregator bars = aggregator(interval);
    List<ClosedBar> closed = feed(bars, 0, trades.size());

    long previousEnd = Long.MIN_VALUE;
    long previousLast = 0;
    long count = 0;
    long volume = 0;
    for (ClosedBar bar : closed) {
      assertThat(bar.bar().start().toEpochMilli()).isGreaterThanOrEqualTo(previousEnd);
      assertThat(bar.firstSequence()).isGreaterThan(previousLast);
      assertThat(bar.lastSequence()).isGreaterThanOrEqualTo(bar.firstSequence());
      assertThat(bar.vwap()).isBetween(bar.bar().low() * (1 - 1e-12), bar.bar().high() * (1 + 1e-12));
      previousEnd = bar.bar().end().toEpochMilli();
      previousLast = bar.lastSequence();
      count += bar.tradeCount();
      volume += bar.bar().volume();
    }
    assertThat(bars.openBar()).isEmpty();
    assertThat(bars.lateTrades()).isZero();
    assertThat(count + bars.unpricedTrades() + bars.outsideSessionTrades()).isEqualTo(trades.size());
    assertThat(volume + bars.unpricedVolume())
        .isEqualTo(
            trades.stream()
                .filter(t -> !t.time().isBefore(START) && t.time().isBefore(END))
                .filter(t -> SaleConditionFilter.ALGOSEEK.addsVolume(t.condition()))
                .mapToLong(Trade::size)
                .sum());
  }

  @ParameterizedTest(name = "{0} bars, snapshot after {1} trades")
  @CsvSource({
    "PT1M, 0", "PT1M, 1", "PT1M, 40000", "PT1M, 123457", "PT1S, 98765", "PT1S, 200001", "P1D, 150000"
  })
  void aRestoredSnapshotContinuesIdentically(Duration interval, int cut) throws IOException {
    BarAggregator uninterrupted = aggregator(interval);
    List<ClosedBar> expected = feed(uninterrupted, 0, trades.size());

    BarAggregator first = aggregator(interval);
    List<ClosedBar> before = feed(first, 0, cut);
    BarAggregator.Memento memento = first.memento();

    for (ObjectMapper mapper : List.of(JSON, CBOR)) {
      BarAggregator.Memento copy =
          mapper.readValue(mapper.writeValueAsBytes(memento), BarAggregator.Memento.class);
      assertThat(copy).isEqualTo(memento);
      BarAggregator resumed = BarAggregator.fromMemento(copy);
      assertThat(resumed.openBar()).isEqualTo(first.openBar());
      assertThat(resumed.firstUnclosedSequence()).isEqualTo(first.firstUnclosedSequence());
      List<ClosedBar> all = new ArrayList<>(before);
      all.addAll(feed(resumed, cut, trades.size()));
      assertThat(all).isEqualTo(expected);
      assertThat(resumed.memento()).isEqualTo(uninterrupted.memento());
    }
  }

  @Test
  void aSnapshotCanHoldVolumeForAQuietInterval() throws IOException {
    BarAggregator bars = aggregator(Duration.ofSeconds(1));
    int cut = 0;
    while (bars.memento().pending() == null || bars.memento().open() == null) {
      bars.onTrade(trades.get(cut++));
    }
    byte[] json = JSON.writeValueAsBytes(bars.memento());
    BarAggregator resumed = BarAggregator.fromMemento(JSON.readValue(json, BarAggregator.Memento.class));

    assertThat(feed(resumed, cut, trades.size())).isEqualTo(feed(bars, cut, trades.size()));
  }
}
