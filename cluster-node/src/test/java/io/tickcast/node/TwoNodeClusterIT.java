package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.actors.TickerEntity;
import io.tickcast.http.ClusterOverview;
import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.ingest.DailyBarReplay;
import io.tickcast.ingest.KafkaReplay;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.TickerView;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two nodes of one cluster on this machine, sharing the ticks topic: a stream client on the first
 * receives the updates of tickers hosted on the second, and downing the second through the API
 * moves its shards (and their state, from Cassandra) to the first.
 */
@ExtendWith(RealInfra.class)
class TwoNodeClusterIT {

  private static final String KEYSPACE = "it_two_nodes";
  private static final String TOPIC = "ticks-two-nodes";
  private static final List<String> TICKERS = List.of("AAPL", "AIG", "BAC", "CAT", "CVX", "DIS", "GE", "IBM", "JNJ", "KO");
  private static final LocalDate FROM = LocalDate.of(2020, 1, 2);
  private static final LocalDate TO = LocalDate.of(2020, 3, 31);
  private static final int PARTITIONS = 4;
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  private static TestNode first;
  private static TestNode second;

  @BeforeAll
  static void startCluster() throws Exception {
    RealInfra.createKeyspace(KEYSPACE);
    KafkaTopics.ensure(RealInfra.infra().kafkaBootstrapServers(), PARTITIONS, TOPIC, TOPIC + ".quarantine");
    first = TestNode.start(KEYSPACE, TOPIC, true, Map.of());
    String seed = Cluster.get(first.system).selfMember().address().toString();
    second =
        TestNode.start(
            KEYSPACE, TOPIC, true, Map.of("tickcast.cluster.join", "seed-nodes", "pekko.cluster.seed-nodes", List.of(seed)));
    probe(first).awaitAssert(PATIENCE, () -> {
      assertThat(overview(first).members()).hasSize(2).allSatisfy(m -> assertThat(m.status()).isEqualTo("up"));
      return null;
    });
    // Before any record is produced, both consumers have their partitions and every ticker's
    // entity starts on the node that reads its partition. The shard coordinator learns the
    // locations through distributed data a moment after they are set; a shard it allocates before
    // that goes where the locations said earlier (the first node, which had every partition alone)
    // and moves at its next rebalance (every 10 s). Records for it then cross nodes meanwhile, and
    // its entity stops on handoff until its next message: which node it ends on would be a race.
    Address firstAddress = Cluster.get(first.system).selfMember().address();
    Address secondAddress = Cluster.get(second.system).selfMember().address();
    probe(first).awaitAssert(PATIENCE, () -> {
      Map<String, ExternalShardAllocationStrategy.ShardLocation> locations =
          ExternalShardAllocation.get((ClassicActorSystemProvider) first.system)
              .getClient(TickerEntity.ENTITY_KEY.name())
              .getShardLocations()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .getShardLocations();
      assertThat(locations.values().stream().map(ExternalShardAllocationStrategy.ShardLocation::address))
          .containsOnly(firstAddress, secondAddress)
          .contains(firstAddress, secondAddress);
      for (String ticker : TICKERS) {
        askView(first, ticker); // starts the entity wherever its shard is allocated now
      }
      List<String> onFirst = hostedOn(first);
      List<String> onSecond = hostedOn(second);
      for (String ticker : TICKERS) {
        Address reader = locations.get(Integer.toString(KafkaShardAlignment.partitionOf(ticker, PARTITIONS))).address();
        assertThat(reader.equals(firstAddress) ? onFirst : onSecond).as(ticker + " on " + reader).contains(ticker);
      }
      return null;
    });
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (TestNode node : new TestNode[] {second, first}) {
      if (node != null) {
        node.close();
      }
    }
  }

  @Test
  void aClientOfOneNodeSeesTheOthersTickersAndDowningANodeMovesItsShards() throws Exception {
    try (SseClient sse = new SseClient(first.baseUrl + "/api/v1/stream?events=update")) {
      assertThat(sse.status.get()).isEqualTo(200);
      KafkaReplay.run(
              first.system,
              new DailyBarReplay(
                  TICKERS.stream().map(TwoNodeClusterIT::dataFile).toList(), Set.copyOf(TICKERS), FROM, TO, TO.plusDays(1),
                  Duration.ZERO),
              RealInfra.infra().kafkaBootstrapServers(),
              TOPIC)
          .toCompletableFuture()
          .get(2, TimeUnit.MINUTES);

      // Both nodes consume part of the topic, so both host entities.
      List<String> onSecond = new ArrayList<>();
      probe(first).awaitAssert(PATIENCE, () -> {
        onSecond.clear();
        onSecond.addAll(hostedOn(second));
        assertThat(onSecond).isNotEmpty();
        assertThat(hostedOn(first)).isNotEmpty();
        return null;
      });
      // The client of the first node received the updates of the second node's tickers.
      probe(first).awaitAssert(PATIENCE, () -> {
        for (String ticker : onSecond) {
          assertThat(sse.events).anyMatch(e -> "update".equals(e.type()) && e.data().startsWith("{\"ticker\":\"" + ticker + "\""));
        }
        return null;
      });
    }

    String victim = Cluster.get(second.system).selfMember().address().toString();
    String ticker = hostedOn(second).get(0);
    // Down the node once it has taken all of the ticker's bars, so that the state is not moving.
    Instant lastBar = DailyBarCsv.readStrict(dataFile(ticker)).stream()
        .map(Bar::start)
        .filter(start -> !start.isAfter(TO.atStartOfDay(ZoneOffset.UTC).toInstant()))
        .max(Comparator.naturalOrder())
        .orElseThrow();
    TickerView before =
        probe(second).awaitAssert(PATIENCE, () -> {
          TickerView view = TestNode.readView(second.baseUrl, ticker);
          assertThat(view.bar().start()).isEqualTo(lastBar);
          return view;
        });

    HttpResponse<String> downed =
        TestNode.HTTP.send(
            RealInfra.request(first.baseUrl + "/api/v1/cluster/members/" + URLEncoder.encode(victim, StandardCharsets.UTF_8) + "/down")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(downed.statusCode()).as(downed.body()).isBetween(200, 202);

    // The first node is alone; a message to the second's ticker starts the entity here (shards
    // start on demand) from Cassandra, with the same state. (Its HTTP API answers from the views
    // it was published, without waking the entity.)
    probe(first).awaitAssert(PATIENCE, () -> {
      assertThat(overview(first).members()).extracting(ClusterOverview.Member::address).containsExactly(
          Cluster.get(first.system).selfMember().address().toString());
      return null;
    });
    TickerView after =
        probe(first).awaitAssert(PATIENCE, () -> {
          TickerView view = askView(first, ticker);
          assertThat(view).isNotNull();
          return view;
        });
    assertThat(hostedOn(first)).contains(ticker);
    assertThat(TestNode.readView(first.baseUrl, ticker).bar()).isEqualTo(before.bar());
    assertThat(after.bar()).isEqualTo(before.bar());
    assertThat(after.barCount()).isEqualTo(before.barCount());
    assertThat(after.indicators()).isEqualTo(before.indicators());
  }

  /** The entity's own view of its ticker (null before its first bar), asked through {@code node}. */
  private static TickerView askView(TestNode node, String ticker) throws Exception {
    return ClusterSharding.get(node.system)
        .entityRefFor(TickerEntity.ENTITY_KEY, ticker)
        .<TickerEntity.ViewReply>ask(TickerEntity.GetView::new, Duration.ofSeconds(5))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .view();
  }

  private static List<String> hostedOn(TestNode node) {
    TestProbe<CurrentShardRegionState> state = TestProbe.create(node.system);
    ClusterSharding.get(node.system).shardState().tell(new GetShardRegionState(TickerEntity.ENTITY_KEY, state.ref()));
    List<String> tickers = new ArrayList<>();
    state.receiveMessage().getShards().forEach(s -> tickers.addAll(s.getEntityIds()));
    return tickers;
  }

  private static ClusterOverview overview(TestNode node) throws Exception {
    HttpResponse<String> response = node.get("/api/v1/cluster");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.MAPPER.readValue(response.body(), ClusterOverview.class);
  }

  private static Path dataFile(String ticker) {
    return Path.of(System.getProperty("tickcast.home", "..")).resolve("data/sp500-daily/" + ticker + ".csv.gz");
  }

  private static TestProbe<Object> probe(TestNode node) {
    return TestProbe.create(node.system);
  }
}
