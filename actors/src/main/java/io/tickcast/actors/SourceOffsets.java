package io.tickcast.actors;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The highest source offset applied per Kafka partition, indexed by partition number: a ticker's
 * entity looks here for every record it is handed (a duplicate?) and moves it for every record it
 * applies, so it keeps primitives (no boxing, no hashing per record), and builds a {@code Map}
 * only for the events that persist it.
 */
final class SourceOffsets {

  private static final long NONE = -1;

  private long[] highest = new long[0];

  /** Whether {@code offset} of {@code partition} is at or below the highest applied; never for a negative offset (no source position). */
  boolean covers(int partition, long offset) {
    return offset >= 0 && partition >= 0 && partition < highest.length && offset <= highest[partition];
  }

  /** Raises the partition's highest applied offset to {@code offset}; a negative offset is no position and changes nothing. */
  void advance(int partition, long offset) {
    if (offset < 0 || partition < 0) {
      return;
    }
    if (partition >= highest.length) {
      int length = highest.length;
      highest = Arrays.copyOf(highest, partition + 1);
      Arrays.fill(highest, length, highest.length, NONE);
    }
    if (offset > highest[partition]) {
      highest[partition] = offset;
    }
  }

  /** Forgets everything, then takes {@code offsets} (partition to highest offset, as persisted). */
  void reset(Map<Integer, Long> offsets) {
    highest = new long[0];
    offsets.forEach(this::advance);
  }

  /** Partition to highest applied offset, for the partitions that have one. */
  Map<Integer, Long> toMap() {
    Map<Integer, Long> map = new HashMap<>();
    for (int partition = 0; partition < highest.length; partition++) {
      if (highest[partition] != NONE) {
        map.put(partition, highest[partition]);
      }
    }
    return Map.copyOf(map);
  }
}
