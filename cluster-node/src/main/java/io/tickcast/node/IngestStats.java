package io.tickcast.node;

import io.tickcast.protocols.IngestCounts;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import kamon.Kamon;
import kamon.metric.Counter;

/**
 * Counts what the ingest consumer does with each record, for {@code GET /api/v1/ingest/stats} and
 * as Kamon counters ({@code tickcast_ingest_records_total{outcome,rule}} in Prometheus).
 */
public final class IngestStats {

  private final LongAdder applied = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();
  private final Counter appliedCounter = counter("applied", "none");
  private final Counter duplicateCounter = counter("duplicate", "none");

  void applied(long records) {
    applied.add(records);
    appliedCounter.increment(records);
  }

  void duplicates(long records) {
    duplicates.add(records);
    duplicateCounter.increment(records);
  }

  void rejected(String rule) {
    rejected.computeIfAbsent(rule, r -> new AtomicLong()).incrementAndGet();
    counter("rejected", rule).increment();
  }

  public IngestCounts snapshot() {
    Map<String, Long> byRule = new TreeMap<>();
    rejected.forEach((rule, n) -> byRule.put(rule, n.get()));
    return new IngestCounts(applied.sum(), duplicates.sum(), byRule);
  }

  private static Counter counter(String outcome, String rule) {
    return Kamon.counter("tickcast.ingest.records")
        .withTag("outcome", outcome)
        .withTag("rule", rule);
  }
}
