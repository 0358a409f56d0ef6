package io.tickcast.ingest;

import com.sun.management.OperatingSystemMXBean;
import io.tickcast.protocols.Trade;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Benchmark, not a test: replays the busiest SPY day (2013-10-10, 460k prints, all sessions) as
 * fast as possible into a no-op sink and prints trades/s. For comparison it also runs the bare
 * reader without Pekko (the floor), and all four tickers of that day merged once by {@link
 * TickReplay}'s priority queue and once by a chain of Pekko {@code mergeSorted} stages (the
 * alternative it was chosen over). Each figure is the median of 9 runs after 3 warm-ups, as
 * wall-clock trades/s and as trades per CPU-second of the whole JVM (steadier on a shared machine).
 * Run from the module directory:
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.tickcast.ingest.TickReplayThroughput
 * </pre>
 */
public final class TickReplayThroughput {

  private static final int WARMUPS = 3;
  private static final int RUNS = 9;
  private static final LocalDate DAY = LocalDate.of(2013, 10, 10);
  private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  public static void main(String[] args) throws Exception {
    List<TickFile> spy = TickFile.find(List.of(TickData.tickDir()), Set.of("SPY"), DAY, DAY);
    List<TickFile> all = TickFile.find(List.of(TickData.tickDir()), Set.of(), DAY, DAY);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "throughput");
    try {
      System.out.printf("%d CPUs; load average %.1f%n", OS.getAvailableProcessors(), OS.getSystemLoadAverage());
      measure("reader only (no Pekko), SPY", () -> Source.single(spy).map(TickReplayThroughput::readAll), system);
      measure("TickReplay, SPY", () -> counted(replay(spy)), system);
      measure("TickReplay (priority queue), 4 tickers", () -> counted(replay(all)), system);
      measure("mergeSorted chain, 4 tickers", () -> counted(mergeSortedChain(all)), system);
    } finally {
      system.terminate();
    }
  }

  private static Source<Trade, NotUsed> replay(List<TickFile> files) {
    return new TickReplay(files, TradingSession.EXTENDED, Pacing.UNPACED).source(new ReplayTally());
  }

  private static Source<Long, NotUsed> counted(Source<Trade, NotUsed> trades) {
    return trades.fold(0L, (n, trade) -> n + 1);
  }

  private static void measure(String name, Supplier<Source<Long, NotUsed>> run, ActorSystem<?> system) throws Exception {
    double[] wall = new double[RUNS];
    double[] cpu = new double[RUNS];
    long trades = 0;
    for (int i = -WARMUPS; i < RUNS; i++) {
      long cpuStart = OS.getProcessCpuTime();
      long start = System.nanoTime();
      trades = run.get().runWith(Sink.head(), system).toCompletableFuture().get(5, TimeUnit.MINUTES);
      long end = System.nanoTime();
      long cpuEnd = OS.getProcessCpuTime();
      if (i >= 0) {
        wall[i] = trades / ((end - start) / 1e9);
        cpu[i] = trades / ((cpuEnd - cpuStart) / 1e9);
      }
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    System.out.printf(
        "%-40s %,8d trades: %,10.0f trades/s (best %,.0f), %,10.0f trades/CPU-s%n",
        name, trades, wall[RUNS / 2], wall[RUNS - 1], cpu[RUNS / 2]);
  }

  private static long readAll(List<TickFile> files) throws IOException {
    long trades = 0;
    ReplayTally tally = new ReplayTally();
    for (TickFile file : files) {
      try (TickReader reader = file.open(TradingSession.EXTENDED, tally)) {
        while (reader.next() != null) {
          trades++;
        }
      }
    }
    return trades;
  }

  /**
   * One source per ticker, batched off its reading stage like TickReplay's, merged pairwise by
   * Pekko's {@code mergeSorted}.
   */
  private static Source<Trade, NotUsed> mergeSortedChain(List<TickFile> files) {
    ReplayTally tally = new ReplayTally();
    Comparator<Trade> byTime = Comparator.comparing(Trade::time);
    return files.stream()
        .map(
            file ->
                Source.unfoldResource(
                        () -> new TickerCursor(List.of(file), TradingSession.EXTENDED, tally),
                        cursor -> Optional.ofNullable(batch(cursor)),
                        TickerCursor::close)
                    .mapConcat(batch -> batch))
        .reduce((a, b) -> a.mergeSorted(b, byTime))
        .orElseThrow();
  }

  private static List<Trade> batch(TickerCursor cursor) throws IOException {
    List<Trade> batch = new ArrayList<>(1024);
    Trade trade;
    while (batch.size() < 1024 && (trade = cursor.next()) != null) {
      batch.add(trade);
    }
    return batch.isEmpty() ? null : batch;
  }
}
