package io.tickcast.ingest;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one replay run did.
 *
 * @param produced events the sink accepted (for Kafka: acknowledged by the broker)
 * @param tickers distinct tickers among the produced events
 * @param filtered valid records deliberately left out, by reason (e.g. {@value TickReader#SUSPICIOUS})
 * @param badLines unreadable lines, skipped (each one logged with file and line number, up to a limit)
 * @param badFiles files that could not be read (wrong header, I/O error), skipped from that point
 */
public record ReplayResult(long produced, int tickers, Map<String, Long> filtered, long badLines, long badFiles) {

  public ReplayResult {
    filtered = Collections.unmodifiableSortedMap(new TreeMap<>(filtered));
  }

  public long filteredTotal() {
    return filtered.values().stream().mapToLong(Long::longValue).sum();
  }
}
