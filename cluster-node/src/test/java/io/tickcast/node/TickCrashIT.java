package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.ingest.KafkaReplay;
import io.tickcast.ingest.Pacing;
import io.tickcast.ingest.ReplayResult;
import io.tickcast.ingest.TickFile;
import io.tickcast.ingest.TickReplay;
import io.tickcast.ingest.TradingSession;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.TickerView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exactly-once effect under a crash: real trade prints of IBM and AIG (2013-10-07) go through a
 * node whose JVM is killed with SIGKILL half-way; a new node takes over. Every bar and indicator
 * must equal those of an uninterrupted run: no trade lost (they would be if an offset were
 * committed before its trades were durable) and none applied twice. The crashed run's topic holds
 * the whole day twice (a replayed feed), which must not change the result either.
 */
@ExtendWith(RealInfra.class)
class TickCrashIT {

  private static final List<String> TICKERS = List.of("AIG", "IBM");
  private static final Duration PATIENCE = Duration.ofMinutes(4);

  @Test
  void aNodeKilledMidReplayLeavesNoTraceInTheResult() throws Exception {
    String bootstrap = RealInfra.infra().kafkaBootstrapServers();
    RealInfra.createKeyspace("it_ticks_ref");
    RealInfra.createKeyspace("it_ticks_crash");
    KafkaTopics.ensure(bootstrap, 2, "ticks-ref", "ticks-ref.quarantine", "ticks-crash", "ticks-crash.quarantine");

    long trades = replay("ticks-ref").produced();
    Map<String, TickerView> expected = new LinkedHashMap<>();
    try (TestNode reference = TestNode.start("it_ticks_ref", "ticks-ref", true, Map.of())) {
      TestProbe.create(reference.system)
          .awaitAssert(
              PATIENCE,
              Duration.ofMillis(500),
              () -> {
                IngestCounts counts = ingest(reference);
                long refused = counts.rejected().values().stream().mapToLong(Long::longValue).sum();
                assertThat(counts.applied() + counts.duplicates() + refused).isEqualTo(trades);
                return counts;
              });
      for (String ticker : TICKERS) {
        // The day's last bar stays open (no later trade, no later feed clock): closed bars count.
        TickerView view = TestNode.readView(reference.baseUrl, ticker);
        assertThat(view.barCount()).isGreaterThan(300);
        expected.put(ticker, view);
      }
      assertThat(ingest(reference).rejected()).doesNotContainKey("duplicate-sequence");
    }

    // The feed delivered twice over, then a node that dies half-way through it.
    replay("ticks-crash");
    replay("ticks-crash");
    NodeProcess first = startNode("it_ticks_crash", "ticks-crash");
    TestNode.awaitCondition(PATIENCE, () -> first.ingest().applied() > trades / 2);
    first.kill();

    NodeProcess second = startNode("it_ticks_crash", "ticks-crash");
    try {
      for (String ticker : TICKERS) {
        TickerView reference = expected.get(ticker);
        TestNode.awaitCondition(
            PATIENCE,
            () -> {
              TickerView view = TestNode.readView(second.baseUrl, ticker);
              return view != null && view.barCount() >= reference.barCount();
            });
        TickerView view = TestNode.readView(second.baseUrl, ticker);
        assertThat(view.barCount()).isEqualTo(reference.barCount());
        assertThat(view.bar()).isEqualTo(reference.bar());
        assertThat(view.indicators()).isEqualTo(reference.indicators());
      }
      IngestCounts afterCrash = second.ingest();
      // The killed node's uncommitted records came again and were recognised.
      assertThat(afterCrash.duplicates() + afterCrash.applied()).isPositive();
      assertThat(afterCrash.rejected()).containsKey("duplicate-sequence");
    } finally {
      second.kill();
    }
  }

  private static ReplayResult replay(String topic) throws Exception {
    Path ticks = Path.of(System.getProperty("tickcast.home", "..")).resolve("../shared/data/intraday/tick");
    List<TickFile> files = TickFile.find(List.of(ticks), Set.copyOf(TICKERS), LocalDate.of(2013, 10, 7), LocalDate.of(2013, 10, 7));
    assertThat(files).hasSize(2);
    try (ProducerSystem producer = ProducerSystem.start(NodeConfig.load(Map.of()))) {
      return KafkaReplay.run(
              producer.system(), new TickReplay(files, TradingSession.REGULAR, Pacing.UNPACED), RealInfra.infra().kafkaBootstrapServers(), topic)
          .toCompletableFuture()
          .get(5, TimeUnit.MINUTES);
    }
  }

  private static IngestCounts ingest(TestNode node) throws Exception {
    return Json.MAPPER.readValue(node.get("/api/v1/ingest/stats").body(), IngestCounts.class);
  }

  /** A node in a JVM of its own, so that it can be killed for real. */
  private static NodeProcess startNode(String keyspace, String topic) throws Exception {
    return NodeProcess.start(
        TestNode.infraSettings(keyspace, topic),
        List.of("-Xmx512m"),
        RealInfra.ADMIN_KEY.secret(),
        Path.of("target/node-" + topic + "-" + System.nanoTime() + ".log"),
        Duration.ofMinutes(2));
  }
}
