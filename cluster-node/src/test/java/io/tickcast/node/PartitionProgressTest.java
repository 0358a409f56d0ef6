package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.actors.TickerEntity;
import io.tickcast.node.PartitionProgress.Batch;
import io.tickcast.node.PartitionProgress.TickerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

  private static final long T0 = Instant.parse("2013-10-07T13:30:00Z").toEpochMilli();
  private static final long NONE = Long.MIN_VALUE;

  /** Watermarks sent, and each ticker's openFrom to answer them with. */
  private final List<String> watermarks = new ArrayList<>();
  private final Map<String, Long> openFromOnWatermark = new HashMap<>();

  private final PartitionProgress<String> progress =
      new PartitionProgress<>(
          Duration.ofMinutes(1),
          Duration.ofSeconds(5),
          (ticker, watermark) -> {
            watermarks.add(ticker + "@" + watermark);
            return CompletableFuture.completedFuture(
                new TickerEntity.Ack(List.of(), 0, openFromOnWatermark.getOrDefault(ticker, -1L)));
          });

  private List<String> after(int[] partitions, long[] offsets, long[] times, TickerState... tickers) throws Exception {
    List<String> committables = new ArrayList<>();
    Map<Integer, Long> latestTrade = new HashMap<>();
    for (int i = 0; i < offsets.length; i++) {
      committables.add(partitions[i] + "@" + offsets[i]);
      if (times[i] != NONE) {
        latestTrade.merge(partitions[i], times[i], Math::max);
      }
    }
    return progress.after(new Batch<>(partitions, offsets, committables, latestTrade, List.of(tickers))).toCompletableFuture().get();
  }

  @Test
  void commitsTheHighestOffsetPerPartitionBelowEveryOpenBar() throws Exception {
    // Partitions interleave in a batch; offsets rise per partition.
    List<String> committable =
        after(
            new int[] {0, 0, 3, 3, 0, 3},
            new long[] {10, 11, 50, 51, 12, 52},
            new long[] {T0, T0 + 1, T0, T0 + 2, T0 + 3, T0 + 4},
            new TickerState(0, "AIG", 11, true), // AIG's open bar starts at 11
            new TickerState(3, "SPY", -1, true));
    assertThat(committable).containsExactlyInAnyOrder("0@10", "3@52");

    // AIG's bar closes with its next trade, which opens the next bar at 13.
    committable = after(new int[] {0}, new long[] {13}, new long[] {T0 + 5}, new TickerState(0, "AIG", 13, true));
    assertThat(committable).containsExactly("0@12");
  }

  @Test
  void recordsWithoutAnEntityAreCommittedWithTheRest() throws Exception {
    // offset 21 was refused before any entity (no ticker state, no time)
    List<String> committable =
        after(new int[] {1, 1, 1}, new long[] {20, 21, 22}, new long[] {T0, NONE, T0}, new TickerState(1, "IBM", -1, true));
    assertThat(committable).containsExactly("1@22");
  }

  @Test
  void theClockIsTheLatestTradeAndEnteringANewBarSendsTheWatermark() throws Exception {
    after(new int[] {2}, new long[] {1}, new long[] {T0 + 10_000}, new TickerState(2, "BAC", 1, true));
    assertThat(progress.clock(2, Instant.ofEpochMilli(T0))).isEqualTo(Instant.ofEpochMilli(T0 + 10_000));
    assertThat(progress.clock(2, Instant.ofEpochMilli(T0 + 20_000))).isEqualTo(Instant.ofEpochMilli(T0 + 20_000));
    assertThat(watermarks).isEmpty();

    // A quiet ticker of the same partition still holds its open bar (from 1): nothing committable
    // until the watermark closes it.
    openFromOnWatermark.put("BAC", -1L);
    openFromOnWatermark.put("C", 3L); // C's trade at 66 s is in the bar the watermark leaves open
    List<String> committable =
        after(new int[] {2, 2}, new long[] {2, 3}, new long[] {NONE, T0 + 66_000}, new TickerState(2, "C", 3, true));
    assertThat(watermarks).containsExactly("BAC@" + Instant.ofEpochMilli(T0 + 61_000), "C@" + Instant.ofEpochMilli(T0 + 61_000));
    assertThat(committable).containsExactly("2@2");
  }
}
