package io.tickcast.node;

import io.tickcast.actors.TickerEntity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
 * @param <C> a record's committable handle
 */
final class PartitionProgress<C> {

  /** What handling one record did; {@code ticker} null for a record refused before any entity. */
  record Handled<C>(int partition, long offset, String ticker, long openFrom, Instant eventTime, C committable) {}

  /** Records in the order Kafka delivered them, per partition. */
  static final Comparator<Handled<?>> SOURCE_ORDER =
      Comparator.<Handled<?>>comparingInt(Handled::partition).thenComparingLong(Handled::offset);

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
   * Takes one batch's handled records, in source order, and returns the committable handles that
   * became durable (at most one per partition: the highest).
   */
  CompletionStage<List<C>> after(List<Handled<C>> batch) {
    List<CompletionStage<Void>> watermarks = new ArrayList<>();
    Set<Integer> clockedPartitions = new LinkedHashSet<>();
    String lastTicker = null;
    for (Handled<C> h : batch) {
      // A ticker's records of one batch all carry the state after the batch: report it once.
      if (h.ticker() != null && !h.ticker().equals(lastTicker)) {
        lastTicker = h.ticker();
        durable.openFrom(h.partition(), h.ticker(), h.openFrom());
        if (h.eventTime() != null) {
          tradingTickers.computeIfAbsent(h.partition(), p -> new LinkedHashSet<>()).add(h.ticker());
        }
      }
      if (h.eventTime() != null) {
        clockedPartitions.add(h.partition());
        clocks.merge(h.partition(), h.eventTime().toEpochMilli(), Math::max);
      }
    }
    clockedPartitions.forEach(
        partition -> {
          // Bars close once the clock is past their end by the allowed lateness.
          long watermark = clocks.get(partition) - latenessMillis;
          long bucket = Math.floorDiv(watermark, intervalMillis);
          Long previous = watermarkBuckets.put(partition, bucket);
          if (previous != null && bucket > previous) {
            watermarks.add(broadcast(partition, Instant.ofEpochMilli(watermark)));
          }
        });
    return CompletableFuture.allOf(watermarks.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<Integer, C> committable = new LinkedHashMap<>();
              for (Handled<C> h : batch) {
                durable.processed(h.partition(), h.offset(), h.committable()).ifPresent(c -> committable.put(h.partition(), c));
              }
              return List.copyOf(committable.values());
            });
  }

  private CompletionStage<Void> broadcast(int partition, Instant watermark) {
    List<String> tickers = new ArrayList<>(tradingTickers.get(partition));
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
