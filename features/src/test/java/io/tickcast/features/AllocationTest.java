package io.tickcast.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.Bar;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Correctness guard, not a benchmark: {@link IndicatorSet#update} must not allocate (it runs for
 * every bar of every ticker). Measured with the per-thread allocation counter around 100k updates
 * after warm-up; the minimum of a few rounds discards one-off JIT/runtime allocations.
 */
class AllocationTest {
  private static final int UPDATES = 100_000;

  @Test
  void updateAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);
    Bar[] bars = MarketData.daily("AAPL").toArray(Bar[]::new);
    IndicatorSet set = IndicatorSet.standard();
    long thread = Thread.currentThread().getId();

    long best = Long.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long before = threads.getThreadAllocatedBytes(thread);
      feed(set, bars, round * UPDATES);
      long allocated = threads.getThreadAllocatedBytes(thread) - before;
      best = Math.min(best, allocated);
    }
    assertThat((double) best / UPDATES).as("bytes allocated per update()").isLessThan(1.0);
    assertThat(set.values().values()).doesNotContainNull();
  }

  private static void feed(IndicatorSet set, Bar[] bars, int offset) {
    for (int i = 0; i < UPDATES; i++) {
      set.update(bars[(offset + i) % bars.length]);
    }
  }
}
