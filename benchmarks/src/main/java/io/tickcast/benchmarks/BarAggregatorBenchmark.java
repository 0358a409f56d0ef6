package io.tickcast.benchmarks;

import io.tickcast.features.bars.BarAggregator;
import io.tickcast.features.bars.SaleConditionFilter;
import io.tickcast.features.bars.Session;
import io.tickcast.protocols.Trade;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One {@link BarAggregator#onTrade} per operation over the 250,601 real SPY prints of 2013-10-07
 * (04:00-20:00, AlgoSeek conditions), bar closes included at their real rate. Each pass over the
 * day starts a new aggregator, since time cannot go back within one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BarAggregatorBenchmark {
  @Param({"PT1S", "PT1M"})
  public String interval;

  private Trade[] trades;
  private Duration duration;
  private BarAggregator bars;
  private int next;

  @Setup
  public void setUp() throws IOException {
    trades = SharedData.trades("SPY", "20131007");
    duration = Duration.parse(interval);
    bars = newAggregator();
  }

  private BarAggregator newAggregator() {
    return new BarAggregator(
        "SPY", duration, Session.EXTENDED, Duration.ofSeconds(1), SaleConditionFilter.ALGOSEEK);
  }

  @Benchmark
  public BarAggregator.Outcome onTrade() {
    BarAggregator.Outcome outcome = bars.onTrade(trades[next]);
    if (++next == trades.length) {
      next = 0;
      bars = newAggregator();
    }
    return outcome;
  }
}
