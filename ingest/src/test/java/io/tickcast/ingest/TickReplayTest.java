package io.tickcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.Trade;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TickReplayTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static List<Trade> run(TickReplay replay, ReplayTally tally) throws Exception {
    return replay.source(tally).runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void mergesTickersAndDaysInTimeOrderKeepingEachTickersOrder() throws Exception {
    List<TickFile> files =
        TickFile.find(List.of(TickData.tickDir()), Set.of("IBM", "AIG"), LocalDate.of(2013, 10, 7), LocalDate.of(2013, 10, 8));
    assertThat(files).hasSize(4);
    long expected =
        files.stream()
            .mapToLong(f -> TickData.countRows(f, row -> TickData.notSuspicious(row) && TickData.inRegularSession(row)))
            .sum();

    ReplayTally tally = new ReplayTally();
    List<Trade> trades = run(new TickReplay(files, TradingSession.REGULAR, Pacing.UNPACED), tally);

    assertThat(trades).hasSize((int) expected);
    Map<String, Trade> lastByTicker = new HashMap<>();
    for (int i = 0; i < trades.size(); i++) {
      Trade trade = trades.get(i);
      if (i > 0) {
        assertThat(trade.time()).as("event-time order at %d", i).isAfterOrEqualTo(trades.get(i - 1).time());
      }
      Trade previous = lastByTicker.put(trade.ticker(), trade);
      if (previous != null) {
        assertThat(trade.sequence()).as("%s order at %d", trade.ticker(), i).isGreaterThan(previous.sequence());
      }
    }
    // Interleaved, not concatenated: both tickers trade within the first minute of the session.
    assertThat(trades.subList(0, 200)).extracting(Trade::ticker).contains("IBM", "AIG");
    ReplayResult result = tally.result();
    assertThat(result.badLines()).isZero();
    assertThat(result.badFiles()).isZero();
    assertThat(result.filtered()).containsOnlyKeys(TickReader.OUTSIDE_SESSION);
  }

  @Test
  void aBrokenFileIsCountedAndTheOtherFilesStillPlay(@TempDir Path dir) throws Exception {
    TickFile broken =
        TickFile.of(TickData.writeGzip(dir.resolve("AIG_20131007_trade.csv.gz"), List.of("not,a,tick,file")));
    TickFile ibm = TickData.tickFile("IBM", "20131007");
    long expected = TickData.countRows(ibm, TickData::notSuspicious);

    ReplayTally tally = new ReplayTally();
    List<Trade> trades = run(new TickReplay(List.of(broken, ibm), TradingSession.EXTENDED, Pacing.UNPACED), tally);

    assertThat(trades).hasSize((int) expected);
    assertThat(tally.result().badFiles()).isEqualTo(1);
  }

  @Test
  void pacedReplayHoldsTradesToTheirScheduleAndKeepsOrder() throws Exception {
    // IBM's first 600 prints of the session span 174.5 s of event time: 0.87 s at 200x.
    TickFile ibm = TickData.tickFile("IBM", "20131007");
    List<Trade> unpaced = run(new TickReplay(List.of(ibm), TradingSession.REGULAR, Pacing.UNPACED), new ReplayTally());
    List<Trade> first = unpaced.subList(0, 600);
    Duration span = Duration.between(first.get(0).time(), first.get(first.size() - 1).time());
    Duration expected = span.dividedBy(200);

    long start = System.nanoTime();
    List<Trade> paced =
        new TickReplay(List.of(ibm), TradingSession.REGULAR, Pacing.times(200))
            .source(new ReplayTally())
            .take(first.size())
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(paced).isEqualTo(first);
    // Only the lower bound is tight: a paced stream cannot run ahead of its schedule. The upper
    // bound is loose (a busy machine is slow), yet catches a schedule that drifts per element.
    assertThat(elapsed).isGreaterThanOrEqualTo(expected).isLessThan(expected.plusSeconds(5));
  }
}
