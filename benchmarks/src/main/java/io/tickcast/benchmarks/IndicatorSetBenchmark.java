package io.tickcast.benchmarks;

import io.tickcast.features.IndicatorSet;
import io.tickcast.protocols.Bar;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One {@link IndicatorSet#update} (all 23 indicators) per operation, on the real AAPL daily bars
 * 1999-2021 fed in a cycle, so the set sees real prices, splits and volumes at every step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IndicatorSetBenchmark {
  private Bar[] bars;
  private IndicatorSet set;
  private int next;

  @Setup
  public void setUp() throws IOException {
    bars = SharedData.dailyBars("AAPL");
    set = IndicatorSet.standard();
    for (Bar bar : bars) {
      set.update(bar);
    }
  }

  @Benchmark
  public long update() {
    set.update(bars[next]);
    next = next + 1 == bars.length ? 0 : next + 1;
    return set.barCount();
  }
}
