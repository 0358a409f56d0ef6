package io.tickcast.features.bars;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.features.validation.TradeGuard;
import io.tickcast.protocols.Trade;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Correctness guard, not a benchmark: per trade, {@link TradeGuard#admit} allocates nothing and
 * {@link BarAggregator#onTrade} only what closing a bar takes. Measured with the per-thread
 * allocation counter over the real SPY prints of 2013-10-07; the best of a few rounds discards
 * one-off JIT and class-loading allocations.
 */
class HotPathAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void perTradeWorkAllocatesOnlyForClosedBars() {
    THREADS.setThreadAllocatedMemoryEnabled(true);
    List<Trade> trades = IntradayData.trades("SPY", "20131007");
    long thread = Thread.currentThread().getId();

    long bestGuard = Long.MAX_VALUE;
    long bestBars = Long.MAX_VALUE;
    long closedBars = 0;
    for (int round = 0; round < 4; round++) {
      TradeGuard guard = new TradeGuard(TradeGuard.Config.standard());
      long before = THREADS.getThreadAllocatedBytes(thread);
      for (Trade t : trades) {
        guard.admit(t, t.time());
      }
      bestGuard = Math.min(bestGuard, THREADS.getThreadAllocatedBytes(thread) - before);

      BarAggregator bars =
          new BarAggregator(
              "SPY", Duration.ofMinutes(1), Session.EXTENDED, Duration.ZERO, SaleConditionFilter.ALGOSEEK);
      closedBars = 0;
      before = THREADS.getThreadAllocatedBytes(thread);
      for (Trade t : trades) {
        if (bars.onTrade(t).closedBar().isPresent()) {
          closedBars++;
        }
      }
      bestBars = Math.min(bestBars, THREADS.getThreadAllocatedBytes(thread) - before);
    }
    assertThat(closedBars).isEqualTo(827);
    assertThat((double) bestGuard / trades.size()).as("bytes per admit()").isLessThan(1.0);
    assertThat((double) bestBars / closedBars).as("bytes per closed bar").isLessThan(300.0);
  }
}
