package io.tickcast.node;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides which Kafka offset may be committed when entities keep part of their input in memory.
 *
 * <p>A ticker entity persists closed bars, not trades: the trades of its still-open bar exist
 * only in memory until the bar closes. If the node died, they must be read from Kafka again, so
 * the partition's committed offset must stay below the first offset of every open bar on it. Each
 * ticker reports from which offset on it holds records in memory only ({@code openFrom}, -1 when
 * nothing); the committable position is the last processed offset below the minimum of them all.
 * Records must be reported in offset order per partition.
 *
 * <p>Not thread-safe: one instance per consumer stream, used from one stream stage.
 *
 * @param <C> the committable handle of a record (a Kafka {@code CommittableOffset} in production)
 */
final class DurableOffsets<C> {

  private record Processed<C>(long offset, C committable) {}

  private static final class PartitionState<C> {
    final ArrayDeque<Processed<C>> pending = new ArrayDeque<>();
    final Map<String, Long> openFromByTicker = new HashMap<>();
    /** Multiset of the values of openFromByTicker: open-bar start offset -> how many tickers. */
    final TreeMap<Long, Integer> openStarts = new TreeMap<>();

    void setOpenFrom(String ticker, long openFrom) {
      Long previous = openFrom >= 0 ? openFromByTicker.put(ticker, openFrom) : openFromByTicker.remove(ticker);
      if (previous != null) {
        openStarts.computeIfPresent(previous, (k, n) -> n == 1 ? null : n - 1);
      }
      if (openFrom >= 0) {
        openStarts.merge(openFrom, 1, Integer::sum);
      }
    }

    long lowestOpen() {
      return openStarts.isEmpty() ? Long.MAX_VALUE : openStarts.firstKey();
    }
  }

  private final Map<Integer, PartitionState<C>> partitions = new HashMap<>();

  /** {@code ticker} now holds the records from {@code openFrom} on in memory only (-1: none). */
  void openFrom(int partition, String ticker, long openFrom) {
    partitions.computeIfAbsent(partition, p -> new PartitionState<>()).setOpenFrom(ticker, openFrom);
  }

  /**
   * Records that {@code offset} of {@code partition} was handled (after reporting what it changed
   * through {@link #openFrom}). Returns the committable handle of the highest offset that is
   * durable now, if it advanced.
   */
  Optional<C> processed(int partition, long offset, C committable) {
    PartitionState<C> state = partitions.computeIfAbsent(partition, p -> new PartitionState<>());
    state.pending.addLast(new Processed<>(offset, committable));
    long lowestOpen = state.lowestOpen();
    Processed<C> durable = null;
    while (!state.pending.isEmpty() && state.pending.peekFirst().offset() < lowestOpen) {
      durable = state.pending.pollFirst();
    }
    return durable == null ? Optional.empty() : Optional.of(durable.committable());
  }

  /** Records held back because an open bar still needs them: bounded by the bar interval. */
  int pending(int partition) {
    PartitionState<C> state = partitions.get(partition);
    return state == null ? 0 : state.pending.size();
  }
}
