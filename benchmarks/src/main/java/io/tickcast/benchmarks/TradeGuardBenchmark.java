package io.tickcast.benchmarks;

import io.tickcast.features.validation.TradeGuard;
import io.tickcast.features.validation.Violation;
import io.tickcast.protocols.Trade;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One {@link TradeGuard#admit} per operation over the real SPY prints of 2013-10-07 (clock = the
 * print's own time), the check that runs before every {@code onTrade}. A new guard starts each pass
 * over the day, since sequence numbers cannot go back within one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TradeGuardBenchmark {
  private Trade[] trades;
  private TradeGuard guard;
  private int next;

  @Setup
  public void setUp() throws IOException {
    trades = SharedData.trades("SPY", "20131007");
    guard = new TradeGuard(TradeGuard.Config.standard());
  }

  @Benchmark
  public Optional<Violation> admit() {
    Trade t = trades[next];
    Optional<Violation> verdict = guard.admit(t, t.time());
    if (++next == trades.length) {
      next = 0;
      guard = new TradeGuard(TradeGuard.Config.standard());
    }
    return verdict;
  }
}
