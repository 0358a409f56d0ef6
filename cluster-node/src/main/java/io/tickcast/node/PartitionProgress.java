package io.tickcast.node;

import io.tickcast.actors.TickerEntity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Per Kafka partition, after each handled batch: keeps the feed clock (the latest trade time
 * seen), pushes the watermark to the partition's trading tickers whenever it enters a new bar
 * interval (so quiet tickers close their bars), and says which offset became committable
 * ({@link DurableOffsets}). Used from one stream stage with parallelism 1.
 *
 * <p>Works a batch at a time: the per-ticker state is reported once per ticker (every record of
 * a ticker's batch carries the state after the batch), the clock is updated once per partition,
 * and each partition's committable position is computed once.
 *
 * @param <C> a record's committable handle
 */
final class PartitionProgress<C> {

  /**
   * What one ticker's entity reported after taking its records of a batch from {@code partition}
   * (a ticker whose records came from several partitions is reported once per partition).
   *
   * @param openFrom the lowest offset the ticker now holds in memory only, -1 for none
   * @param traded whether the records included trades (the ticker then gets the watermarks)
   */
  record TickerState(int partition, String ticker, long openFrom, boolean traded) {}

  /**
   * One batch, handled completely (applied, duplicate or quarantined): per record, in the order
   * Kafka delivered them (offset order per partition; partitions may interleave), its partition,
   * offset and committable handle.
   *
   * @param latestTrade per partition, the latest trade time of the batch in epoch milliseconds
   *     (partitions without trades absent)
   */
  record Batch<C>(int[] partitions, long[] offsets, List<C> committables, Map<Integer, Long> latestTrade, List<TickerState> tickers) {
    int size() {
      return offsets.length;
    }
  }

  private final DurableOffsets<C> durable = new DurableOffsets<>();
  private final Map<Integer, Long> clocks = new ConcurrentHashMap<>();
  private final Map<Integer, Long> watermarkBuckets = new HashMap<>();
  private final Map<Integer, Set<String>> tradingTickers = new HashMap<>();
  private final long intervalMillis;
  private final long latenessMillis;
  private final BiFunction<String, Instant, CompletionStage<TickerEntity.Ack>> advanceWatermark;

  /**
   * @param advanceWatermark sends {@link TickerEntity.AdvanceWatermark} to a ticker's entity
   */
  PartitionProgress(
      Duration barInterval,
      Duration allowedLateness,
      BiFunction<String, Instant, CompletionStage<TickerEntity.Ack>> advanceWatermark) {
    this.intervalMillis = barInterval.toMillis();
    this.latenessMillis = allowedLateness.toMillis();
    this.advanceWatermark = advanceWatermark;
  }

  /**
   * The partition's feed clock: the latest event time of the batches handled so far, or {@code
   * eventTime} when that is later (for the stale-feed rule).
   */
  Instant clock(int partition, Instant eventTime) {
    Long clock = clocks.get(partition);
    return clock == null || clock < eventTime.toEpochMilli() ? eventTime : Instant.ofEpochMilli(clock);
  }

  /**
   * Takes one handled batch and returns the committable handles that became durable (at most one
   * per partition: the highest).
   */
  CompletionStage<List<C>> after(Batch<C> batch) {
    for (TickerState t : batch.tickers()) {
      durable.openFrom(t.partition(), t.ticker(), t.openFrom());
      if (t.traded()) {
        tradingTickers.computeIfAbsent(t.partition(), p -> new LinkedHashSet<>()).add(t.ticker());
      }
    }
    List<CompletableFuture<Void>> watermarks = new ArrayList<>();
    batch.latestTrade().forEach(
        (partition, time) -> {
          long clock = clocks.merge(partition, time, Math::max);
          // Bars close once the clock is past their end by the allowed lateness.
          long watermark = clock - latenessMillis;
          long bucket = Math.floorDiv(watermark, intervalMillis);
          Long previous = watermarkBuckets.put(partition, bucket);
          if (previous != null && bucket > previous) {
            watermarks.add(broadcast(partition, Instant.ofEpochMilli(watermark)));
          }
        });
    if (watermarks.isEmpty()) {
      return CompletableFuture.completedFuture(committable(batch));
    }
    return CompletableFuture.allOf(watermarks.toArray(CompletableFuture[]::new)).thenApply(done -> committable(batch));
  }

  /** Every record of the batch is handled: the highest durable handle per partition. */
  private List<C> committable(Batch<C> batch) {
    int[] partitions = batch.partitions();
    long[] offsets = batch.offsets();
    List<C> committables = batch.committables();
    Map<Integer, DurableOffsets.Partition<C>> touched = new HashMap<>(4);
    int n = batch.size();
    for (int i = 0; i < n; ) {
      int partition = partitions[i];
      DurableOffsets.Partition<C> state = touched.computeIfAbsent(partition, durable::partition);
      for (; i < n && partitions[i] == partition; i++) {
        state.add(offsets[i], committables.get(i));
      }
    }
    List<C> result = new ArrayList<>(touched.size());
    for (DurableOffsets.Partition<C> state : touched.values()) {
      C c = state.durable();
      if (c != null) {
        result.add(c);
      }
    }
    return result;
  }

  private CompletableFuture<Void> broadcast(int partition, Instant watermark) {
    List<String> tickers = new ArrayList<>(tradingTickers.getOrDefault(partition, Set.of()));
    List<CompletableFuture<TickerEntity.Ack>> replies = new ArrayList<>(tickers.size());
    for (String ticker : tickers) {
      replies.add(advanceWatermark.apply(ticker, watermark).toCompletableFuture());
    }
    // Replies are applied together, on one thread: DurableOffsets is not thread-safe.
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
        .thenRun(
            () -> {
              for (int i = 0; i < tickers.size(); i++) {
                durable.openFrom(partition, tickers.get(i), replies.get(i).join().openFrom());
              }
            });
  }
}
