package io.tickcast.ingest;

import io.tickcast.protocols.MarketEvent;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters of one replay run. Readers and sinks run on different stream stages (and threads),
 * so every counter is concurrent. Nothing is left out silently: each skipped record lands in a
 * counter with its reason.
 */
public final class ReplayTally {

  private static final Logger log = LoggerFactory.getLogger(ReplayTally.class);
  /** A broken file can hold thousands of bad lines: log the first ones, count them all. */
  private static final int LOGGED_BAD_LINES = 20;

  private final LongAdder produced = new LongAdder();
  private final Set<String> tickers = ConcurrentHashMap.newKeySet();
  private final Map<String, LongAdder> filtered = new ConcurrentHashMap<>();
  private final LongAdder badLines = new LongAdder();
  private final LongAdder badFiles = new LongAdder();

  public void produced(MarketEvent event) {
    produced.increment();
    tickers.add(event.ticker());
  }

  public void filtered(String reason) {
    filtered.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** {@code problem} names the line: {@code "line 12: expected 7 fields"}. */
  public void badLine(Path file, String problem) {
    badLines.increment();
    long count = badLines.sum();
    if (count <= LOGGED_BAD_LINES) {
      log.warn("{}: {} (line skipped)", file, problem);
      if (count == LOGGED_BAD_LINES) {
        log.warn("Further bad lines are counted but not logged");
      }
    }
  }

  public void badFile(Path file, String problem) {
    badFiles.increment();
    log.warn("{}: {} (rest of the file skipped)", file, problem);
  }

  public ReplayResult result() {
    Map<String, Long> byReason = new HashMap<>();
    filtered.forEach((reason, count) -> byReason.put(reason, count.sum()));
    return new ReplayResult(produced.sum(), tickers.size(), byReason, badLines.sum(), badFiles.sum());
  }
}
