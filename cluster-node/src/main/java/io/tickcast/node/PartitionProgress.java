package io.tickcast.node;

import io.tickcast.actors.TickerEntity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Per Kafka partition, after each handled record: keeps the feed clock (the latest trade time
 * seen), pushes the watermark to the partition's trading tickers whenever it enters a new bar
 * interval (so quiet tickers close their bars), and says which offset became committable
 * ({@link DurableOffsets}). Used from one stream stage with parallelism 1.
 *
 * @param <C> a record's committable handle
 */
final class PartitionProgress<C> {

  /** What handling one record did; {@code ticker} null for a record refused before any entity. */
  record Handled<C>(int partition, long offset, String ticker, long openFrom, Instant eventTime, C committable) {}

  private final DurableOffsets<C> durable = new DurableOffsets<>();
  private final Map<Integer, Long> clocks = new ConcurrentHashMap<>();
  private final Map<Integer, Long> watermarkBuckets = new HashMap<>();
  private final Map<Integer, Set<String>> tradingTickers = new HashMap<>();
  private final long intervalMillis;
  private final long latenessMillis;
  private final BiFunction<String, Instant, CompletionStage<TickerEntity.ApplyResult>> advanceWatermark;

  /**
   * @param advanceWatermark sends {@link TickerEntity.AdvanceWatermark} to a ticker's entity
   */
  PartitionProgress(
      Duration barInterval,
      Duration allowedLateness,
      BiFunction<String, Instant, CompletionStage<TickerEntity.ApplyResult>> advanceWatermark) {
    this.intervalMillis = barInterval.toMillis();
    this.latenessMillis = allowedLateness.toMillis();
    this.advanceWatermark = advanceWatermark;
  }

  /** The partition's feed clock: the latest event time handled from it (for the stale rule). */
  Instant clock(int partition, Instant eventTime) {
    Long clock = clocks.get(partition);
    return clock == null || clock < eventTime.toEpochMilli() ? eventTime : Instant.ofEpochMilli(clock);
  }

  CompletionStage<Optional<C>> after(Handled<C> h) {
    if (h.ticker() != null) {
      durable.openFrom(h.partition(), h.ticker(), h.openFrom());
    }
    CompletionStage<Void> watermarks = CompletableFuture.completedFuture(null);
    if (h.eventTime() != null) {
      tradingTickers.computeIfAbsent(h.partition(), p -> new LinkedHashSet<>()).add(h.ticker());
      long clock = clocks.merge(h.partition(), h.eventTime().toEpochMilli(), Math::max);
      // Bars close once the clock is past their end by the allowed lateness.
      long watermark = clock - latenessMillis;
      long bucket = Math.floorDiv(watermark, intervalMillis);
      Long previous = watermarkBuckets.put(h.partition(), bucket);
      if (previous != null && bucket > previous) {
        watermarks = broadcast(h.partition(), Instant.ofEpochMilli(watermark));
      }
    }
    return watermarks.thenApply(done -> durable.processed(h.partition(), h.offset(), h.committable()));
  }

  private CompletionStage<Void> broadcast(int partition, Instant watermark) {
    List<String> tickers = new ArrayList<>(tradingTickers.get(partition));
    List<CompletableFuture<TickerEntity.ApplyResult>> replies = new ArrayList<>(tickers.size());
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
