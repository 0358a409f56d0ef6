package io.tickcast.node;

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
 * <p>Records are reported one at a time ({@link #processed}) or, on the ingest path, a batch at a
 * time through a partition's {@link Partition}: {@link Partition#add} for each record, then one
 * {@link Partition#durable}.
 *
 * <p>Not thread-safe: one instance per consumer stream, used from one stream stage.
 *
 * @param <C> the committable handle of a record (a Kafka {@code CommittableOffset} in production)
 */
final class DurableOffsets<C> {

  /** One partition's open bars and the records processed but not yet durable. */
  static final class Partition<C> {
    // Pending records, oldest first: a ring buffer of offsets and their committable handles.
    private long[] offsets = new long[64];
    private Object[] committables = new Object[64];
    private int head;
    private int size;
    private final Map<String, Long> openFromByTicker = new HashMap<>();
    /** Multiset of the values of openFromByTicker: open-bar start offset -> how many tickers. */
    private final TreeMap<Long, Integer> openStarts = new TreeMap<>();

    void setOpenFrom(String ticker, long openFrom) {
      Long previous = openFrom >= 0 ? openFromByTicker.put(ticker, openFrom) : openFromByTicker.remove(ticker);
      if (previous != null) {
        if (previous == openFrom) {
          return;
        }
        openStarts.computeIfPresent(previous, (k, n) -> n == 1 ? null : n - 1);
      }
      if (openFrom >= 0) {
        openStarts.merge(openFrom, 1, Integer::sum);
      }
    }

    long lowestOpen() {
      return openStarts.isEmpty() ? Long.MAX_VALUE : openStarts.firstKey();
    }

    /** A record of this partition was handled (after reporting what it changed); offset order. */
    void add(long offset, C committable) {
      if (size == offsets.length) {
        grow();
      }
      int tail = (head + size) & (offsets.length - 1);
      offsets[tail] = offset;
      committables[tail] = committable;
      size++;
    }

    /**
     * The committable handle of the highest pending offset that is durable now (below every open
     * bar), or null when none became durable; forgets the records up to it.
     */
    @SuppressWarnings("unchecked")
    C durable() {
      long lowestOpen = lowestOpen();
      Object durable = null;
      int mask = offsets.length - 1;
      while (size > 0 && offsets[head] < lowestOpen) {
        durable = committables[head];
        committables[head] = null;
        head = (head + 1) & mask;
        size--;
      }
      return (C) durable;
    }

    int pending() {
      return size;
    }

    private void grow() {
      int capacity = offsets.length * 2;
      long[] o = new long[capacity];
      Object[] c = new Object[capacity];
      for (int i = 0; i < size; i++) {
        int from = (head + i) & (offsets.length - 1);
        o[i] = offsets[from];
        c[i] = committables[from];
      }
      offsets = o;
      committables = c;
      head = 0;
    }
  }

  private final Map<Integer, Partition<C>> partitions = new HashMap<>();

  /** The state of {@code partition}, created when first asked for. */
  Partition<C> partition(int partition) {
    return partitions.computeIfAbsent(partition, p -> new Partition<>());
  }

  /** {@code ticker} now holds the records from {@code openFrom} on in memory only (-1: none). */
  void openFrom(int partition, String ticker, long openFrom) {
    partition(partition).setOpenFrom(ticker, openFrom);
  }

  /**
   * Records that {@code offset} of {@code partition} was handled (after reporting what it changed
   * through {@link #openFrom}). Returns the committable handle of the highest offset that is
   * durable now, if it advanced.
   */
  Optional<C> processed(int partition, long offset, C committable) {
    Partition<C> state = partition(partition);
    state.add(offset, committable);
    return Optional.ofNullable(state.durable());
  }

  /** Records held back because an open bar still needs them: bounded by the bar interval. */
  int pending(int partition) {
    Partition<C> state = partitions.get(partition);
    return state == null ? 0 : state.pending();
  }
}
