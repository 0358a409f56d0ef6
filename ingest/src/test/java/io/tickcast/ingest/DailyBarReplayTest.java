package io.tickcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.Bar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs on the daily bars committed with the project (data/sp500-daily). */
class DailyBarReplayTest {

  private static final Path DAILY = Path.of("../data/sp500-daily");
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static List<Bar> run(DailyBarReplay replay, ReplayTally tally) throws Exception {
    return replay.source(tally).runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void playsDayByDayWithHistoryFastAndOneDayPerIntervalFromPacedFrom() throws Exception {
    assertThat(DAILY).as("project data directory").isDirectory();
    DailyBarReplay replay =
        new DailyBarReplay(
            List.of(DAILY),
            Set.of("AAPL", "IBM"),
            LocalDate.of(2020, 5, 1),
            LocalDate.of(2020, 6, 5),
            LocalDate.of(2020, 6, 1),
            Duration.ofMillis(100));

    ReplayTally tally = new ReplayTally();
    long start = System.nanoTime();
    List<Bar> bars = run(replay, tally);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    // May 2020 had 20 trading days, June 1-5 five: 25 days of two tickers.
    assertThat(bars).hasSize(50);
    for (int i = 1; i < bars.size(); i++) {
      assertThat(bars.get(i).start()).isAfterOrEqualTo(bars.get(i - 1).start());
    }
    assertThat(bars.stream().collect(Collectors.groupingBy(Bar::start, Collectors.counting())))
        .hasSize(25)
        .allSatisfy((day, count) -> assertThat(count).isEqualTo(2));
    assertThat(bars.get(0).start()).isEqualTo(Instant.parse("2020-05-01T00:00:00Z"));
    // Five paced days at one per 100 ms: at least four intervals after the first.
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    assertThat(tally.result().badLines()).isZero();
  }

  @Test
  void badLinesAndFilesAreCounted(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("XYZ.csv"),
        "timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient\n"
            + "2020-06-01,10,11,9,10.5,10.5,1000,0.0,1.0\n"
            + "2020-06-02,10,11,9\n"
            + "2020-06-03,10,eleven,9,10.5,10.5,1000,0.0,1.0\n"
            + "2020-06-04,10,11,9,10.5,10.5,1000,0.0,1.0\n");
    Files.writeString(dir.resolve("BAD.csv"), "date,price\n2020-06-01,10\n");

    ReplayTally tally = new ReplayTally();
    List<Bar> bars =
        run(
            new DailyBarReplay(
                List.of(dir), Set.of(), LocalDate.of(2020, 1, 1), LocalDate.of(2020, 12, 31), LocalDate.of(2021, 1, 1), Duration.ZERO),
            tally);

    assertThat(bars).extracting(Bar::ticker).containsExactly("XYZ", "XYZ");
    ReplayResult result = tally.result();
    assertThat(result.badLines()).isEqualTo(2);
    assertThat(result.badFiles()).isEqualTo(1);
  }
}
