package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tickcast.actors.TickerEntity;
import io.tickcast.features.IndicatorSet;
import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.ingest.DailyBarReplay;
import io.tickcast.ingest.KafkaReplay;
import io.tickcast.ingest.ReplayResult;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.MarketEventCodec;
import io.tickcast.protocols.TickerView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion.ShardState;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ShardLocations;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The first ticker path end to end against a real Cassandra and Kafka: real daily bars replayed
 * into Kafka, consumed by a node, applied by sharded event-sourced entities, served over HTTP and
 * SSE, and recovered by a new node from Cassandra alone.
 */
@ExtendWith(RealInfra.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TickerPipelineIT {

  private static final String KEYSPACE = "it_pipeline";
  private static final String TOPIC = "ticks-pipeline";
  private static final String QUARANTINE = TOPIC + ".quarantine";
  private static final int PARTITIONS = 4;
  private static final List<String> TICKERS = List.of("AAPL", "AIG", "MSFT", "ODFL", "WELL");
  private static final LocalDate FROM = LocalDate.of(2019, 6, 3);
  private static final LocalDate TO = LocalDate.of(2020, 6, 30);
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  private static TestNode node;
  /** Each ticker's bars in the replayed window, read straight from the shipped files. */
  private static final Map<String, List<Bar>> expectedBars = new LinkedHashMap<>();

  @BeforeAll
  static void startNode() throws Exception {
    RealInfra.createKeyspace(KEYSPACE);
    KafkaTopics.ensure(RealInfra.infra().kafkaBootstrapServers(), PARTITIONS, TOPIC, QUARANTINE);
    node = TestNode.start(KEYSPACE, TOPIC, true, Map.of());
    Instant from = FROM.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = TO.atStartOfDay(ZoneOffset.UTC).toInstant();
    for (String ticker : TICKERS) {
      expectedBars.put(
          ticker,
          DailyBarCsv.readStrict(dataFile(ticker)).stream()
              .filter(b -> !b.start().isBefore(from) && !b.start().isAfter(to))
              .toList());
    }
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  private static Path dataFile(String ticker) {
    return Path.of(System.getProperty("tickcast.home", "..")).resolve("data/sp500-daily/" + ticker + ".csv.gz");
  }

  @Test
  @Order(1)
  void replayedBarsReachTheEntitiesHttpAndTheStream() throws Exception {
    assertThat(node.managementGet("/ready").statusCode()).isEqualTo(200);
    try (SseClient sse = new SseClient(node.baseUrl + "/api/v1/stream?tickers=" + String.join(",", TICKERS))) {
      assertThat(sse.status.get()).isEqualTo(200);
      ReplayResult result =
          KafkaReplay.run(
                  node.system,
                  new DailyBarReplay(
                      TICKERS.stream().map(TickerPipelineIT::dataFile).toList(),
                      Set.copyOf(TICKERS),
                      FROM,
                      TO,
                      TO.plusDays(1), // nothing paced: as fast as Kafka takes it
                      Duration.ZERO),
                  RealInfra.infra().kafkaBootstrapServers(),
                  TOPIC)
              .toCompletableFuture()
              .get();
      int total = expectedBars.values().stream().mapToInt(List::size).sum();
      assertThat(result.produced()).isEqualTo(total);
      assertThat(result.tickers()).isEqualTo(TICKERS.size());

      for (String ticker : TICKERS) {
        List<Bar> bars = expectedBars.get(ticker);
        IndicatorSet offline = IndicatorSet.standard();
        bars.forEach(offline::update);
        TickerView view = awaitView(ticker, bars.get(bars.size() - 1));
        assertThat(view.barCount()).isEqualTo(bars.size());
        assertThat(view.sequenceNr()).isEqualTo(bars.size());
        assertThat(view.indicators()).isEqualTo(offline.values());
        assertThat(view.indicators().get("rsi_14")).isBetween(0.0, 100.0);
      }

      // The stream carried each ticker's updates in order, typed, with ids, ending at its last
      // bar. (Bars that close in one batch are published as one update: catch-up is conflated.)
      for (String ticker : TICKERS) {
        long lastSeq = expectedBars.get(ticker).size();
        probe()
            .awaitAssert(
                PATIENCE,
                () -> {
                  assertThat(sse.events).anyMatch(e -> (ticker + ":" + lastSeq).equals(e.id()));
                  return null;
                });
        List<Long> seqs =
            sse.events.stream()
                .filter(e -> "update".equals(e.type()) && e.id().startsWith(ticker + ":"))
                .map(e -> Long.parseLong(e.id().substring(ticker.length() + 1)))
                .toList();
        assertThat(seqs).isSorted().doesNotHaveDuplicates();
        SseClient.Event last = sse.events.stream().filter(e -> (ticker + ":" + lastSeq).equals(e.id())).findFirst().orElseThrow();
        assertThat(Json.MAPPER.readValue(last.data(), TickerView.class)).isEqualTo(view(ticker));
      }
      // Once the replay is over, heartbeats (every second here) keep the idle connection open.
      probe()
          .awaitAssert(
              PATIENCE,
              () -> {
                assertThat(sse.events).anyMatch(e -> "heartbeat".equals(e.type()));
                return null;
              });
    }

    // Each ticker's entity lives in the shard numbered like its Kafka partition, on this node.
    TestProbe<CurrentShardRegionState> shards = TestProbe.create(node.system);
    ClusterSharding.get(node.system).shardState().tell(new GetShardRegionState(TickerEntity.ENTITY_KEY, shards.ref()));
    Map<String, String> shardOf = new LinkedHashMap<>();
    for (ShardState shard : shards.receiveMessage().getShards()) {
      shard.getEntityIds().forEach(ticker -> shardOf.put(ticker, shard.shardId()));
    }
    for (String ticker : TICKERS) {
      assertThat(shardOf).containsEntry(ticker, Integer.toString(KafkaShardAlignment.partitionOf(ticker, PARTITIONS)));
    }
    ShardLocations locations =
        ExternalShardAllocation.get((ClassicActorSystemProvider) node.system)
            .getClient(TickerEntity.ENTITY_KEY.name())
            .getShardLocations()
            .toCompletableFuture()
            .get();
    assertThat(locations.getShardLocations()).hasSize(PARTITIONS);

    TickerListing listing = Json.MAPPER.readValue(node.get("/api/v1/tickers").body(), TickerListing.class);
    assertThat(listing.tickers()).extracting(TickerView::ticker).containsExactlyElementsOf(TICKERS);
    IngestCounts counts = ingestCounts();
    assertThat(counts.applied()).isEqualTo(expectedBars.values().stream().mapToInt(List::size).sum());
    assertThat(counts.rejected()).isEmpty();
  }

  @Test
  @Order(2)
  void badRecordsAreCountedAndSkippedAndTheNextRecordIsApplied() throws Exception {
    Bar last = view("AAPL").bar();
    Bar next =
        new Bar("AAPL", last.start().plus(Duration.ofDays(1)), last.interval(), 90, 92, 89, 91, 91, 1_000_000);
    Bar negative = new Bar("AAPL", next.start(), next.interval(), -1, 92, -2, 91, 91, 10);
    Bar badTicker = new Bar("AAPL;DROP", next.start(), next.interval(), 90, 92, 89, 91, 91, 10);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>(TOPIC, "AAPL", "{not json".getBytes(StandardCharsets.UTF_8)));
      producer.send(new ProducerRecord<>(TOPIC, "AAPL", MarketEventCodec.encode(negative)));
      producer.send(new ProducerRecord<>(TOPIC, "AAPL;DROP", MarketEventCodec.encode(badTicker)));
      producer.send(new ProducerRecord<>(TOPIC, "MSFT", MarketEventCodec.encode(next)));
      producer.send(new ProducerRecord<>(TOPIC, "AAPL", MarketEventCodec.encode(next))).get();
    }

    TickerView view = awaitView("AAPL", next);
    assertThat(view.barCount()).isEqualTo(expectedBars.get("AAPL").size() + 1);
    assertThat(ingestCounts().rejected())
        .containsEntry("malformed", 1L)
        .containsEntry("price-not-positive", 1L)
        .containsEntry("ticker-format", 1L)
        .containsEntry("key-mismatch", 1L);

    // Each refused record is in the quarantine topic, bytes unchanged, with its reason.
    Map<String, String> quarantined = new LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = quarantineConsumer()) {
      consumer.assign(consumer.partitionsFor(QUARANTINE).stream().map(p -> new TopicPartition(QUARANTINE, p.partition())).toList());
      consumer.seekToBeginning(consumer.assignment());
      probe()
          .awaitAssert(
              PATIENCE,
              () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                  quarantined.put(
                      new String(r.headers().lastHeader(TickIngestor.RULE_HEADER).value(), StandardCharsets.UTF_8),
                      new String(r.value(), StandardCharsets.UTF_8));
                }
                assertThat(quarantined).hasSize(4);
                return null;
              });
    }
    assertThat(quarantined)
        .containsEntry("malformed", "{not json")
        .containsEntry("price-not-positive", new String(MarketEventCodec.encode(negative), StandardCharsets.UTF_8))
        .containsEntry("ticker-format", new String(MarketEventCodec.encode(badTicker), StandardCharsets.UTF_8))
        .containsEntry("key-mismatch", new String(MarketEventCodec.encode(next), StandardCharsets.UTF_8));
  }

  private static KafkaConsumer<String, byte[]> quarantineConsumer() {
    return new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfra.infra().kafkaBootstrapServers()),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  @Test
  @Order(3)
  void aNewNodeRecoversEveryTickerFromCassandra() throws Exception {
    Map<String, TickerView> before = new LinkedHashMap<>();
    for (String ticker : TICKERS) {
      before.put(ticker, view(ticker));
    }
    node.close();
    // No consumer on the new node: whatever state it shows can only come from the journal.
    node = TestNode.start(KEYSPACE, TOPIC, false, Map.of());
    for (String ticker : TICKERS) {
      assertThat(view(ticker)).isEqualTo(before.get(ticker));
    }
    assertThat(node.get("/api/v1/tickers/ZZZZ").statusCode()).isEqualTo(404);
  }

  record TickerListing(List<TickerView> tickers) {}

  private static TickerView view(String ticker) throws Exception {
    var response = node.get("/api/v1/tickers/" + ticker);
    assertThat(response.statusCode()).as("GET %s: %s", ticker, response.body()).isEqualTo(200);
    return Json.MAPPER.readValue(response.body(), TickerView.class);
  }

  private static TickerView awaitView(String ticker, Bar expectedLast) {
    return probe()
        .awaitAssert(
            PATIENCE,
            Duration.ofMillis(200),
            () -> {
              TickerView view;
              try {
                view = view(ticker);
              } catch (Exception | AssertionError e) {
                throw new AssertionError(ticker + " not there yet: " + e.getMessage());
              }
              assertThat(view.bar()).isEqualTo(expectedLast);
              return view;
            });
  }

  private static IngestCounts ingestCounts() throws Exception {
    return Json.MAPPER.readValue(node.get("/api/v1/ingest/stats").body(), new TypeReference<IngestCounts>() {});
  }

  private static TestProbe<Object> probe() {
    return TestProbe.create(node.system);
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfra.infra().kafkaBootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

}
