package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurableOffsetsTest {

  private final DurableOffsets<String> offsets = new DurableOffsets<>();

  private java.util.Optional<String> report(int partition, long offset, String ticker, long openFrom, String committable) {
    offsets.openFrom(partition, ticker, openFrom);
    return offsets.processed(partition, offset, committable);
  }

  @Test
  void recordsThatChangeNothingInMemoryAreCommittableAtOnce() {
    assertThat(report(0, 10, "AAPL", -1, "o10")).contains("o10");
    assertThat(offsets.processed(0, 11, "o11")).contains("o11"); // e.g. a skipped bad record
  }

  @Test
  void holdsBackEverythingFromTheFirstOpenBarOn() {
    assertThat(report(0, 0, "AAPL", 0, "o0")).isEmpty(); // AAPL opens a bar at 0
    assertThat(report(0, 1, "MSFT", 1, "o1")).isEmpty(); // MSFT opens a bar at 1
    assertThat(report(0, 2, "AAPL", 0, "o2")).isEmpty();
    assertThat(offsets.pending(0)).isEqualTo(3);

    // AAPL's bar closes (persisted) and its trade at 3 opens the next one: 0..2 are durable
    // except MSFT's open bar from 1, so only offset 0 may be committed.
    assertThat(report(0, 3, "AAPL", 3, "o3")).contains("o0");
    // MSFT's bar closes; its next bar opens at 4: everything below AAPL's open bar (3) is durable.
    assertThat(report(0, 4, "MSFT", 4, "o4")).contains("o2");
    assertThat(offsets.pending(0)).isEqualTo(2);
  }

  @Test
  void partitionsAreIndependent() {
    assertThat(report(0, 5, "AAPL", 5, "p0-5")).isEmpty();
    assertThat(report(1, 7, "MSFT", -1, "p1-7")).contains("p1-7");
    assertThat(report(0, 6, "AAPL", -1, "p0-6")).contains("p0-6");
  }

  @Test
  void aTickerThatGoesQuietWhileOthersTradeKeepsItsBarsRecordsBack() {
    report(0, 0, "IBM", 0, "o0");
    for (int i = 1; i <= 100; i++) {
      assertThat(report(0, i, "SPY", i, "o" + i)).isEmpty();
    }
    // The watermark closes IBM's quiet bar: reported with IBM's new state (nothing open).
    assertThat(report(0, 101, "IBM", -1, "o101")).contains("o99");
  }
}
