package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tickcast.actors.TickerEntity;
import io.tickcast.features.IndicatorSet;
import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.features.vector.FeatureVector;
import io.tickcast.ingest.DailyBarReplay;
import io.tickcast.ingest.KafkaReplay;
import io.tickcast.ingest.ReplayResult;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.ModelMetadata;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.MarketEventCodec;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.PredictionUpdate;
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
import java.util.concurrent.TimeUnit;
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
  private static ModelMetadata champion;
  /** The position of the last event the first stream client saw. */
  private static String lastEventId;
  /** Each ticker's bars in the replayed window, read straight from the shipped files. */
  private static final Map<String, List<Bar>> expectedBars = new LinkedHashMap<>();

  @BeforeAll
  static void startNode() throws Exception {
    RealInfra.createKeyspace(KEYSPACE);
    KafkaTopics.ensure(RealInfra.infra().kafkaBootstrapServers(), PARTITIONS, TOPIC, QUARANTINE);
    node = TestNode.start(KEYSPACE, TOPIC, true, Map.of());
    champion = ModelArtifact.loadDefault().metadata();
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
        Bar lastBar = bars.get(bars.size() - 1);
        TickerView view = awaitView(ticker, lastBar);
        assertThat(view.barCount()).isEqualTo(bars.size());
        assertThat(view.indicators()).isEqualTo(offline.values());
        assertThat(view.indicators().get("rsi_14")).isBetween(0.0, 100.0);

        // The champion (the shipped model, bootstrapped) predicted from the newest bar, fed the
        // same feature vector the offline pipeline computes from the same bars.
        Prediction prediction = awaitPrediction(ticker, lastBar);
        assertThat(prediction.model()).isEqualTo(champion.name());
        assertThat(prediction.modelVersion()).isEqualTo(champion.version());
        assertThat(prediction.features())
            .containsExactly(FeatureVector.of(offline.values(), lastBar.adjustedClose()).orElseThrow());
        assertThat(prediction.lastClose()).isEqualTo(lastBar.adjustedClose());
        assertThat(prediction.intervals()).extracting(Prediction.Interval::level).containsExactly(0.8, 0.9);
      }

      // The stream carried each ticker's updates in order, typed, with ids: bars ending at the
      // last one (bars that close in one batch are one update: catch-up is conflated), and the
      // prediction made from it.
      for (String ticker : TICKERS) {
        Bar lastBar = expectedBars.get(ticker).get(expectedBars.get(ticker).size() - 1);
        Prediction served = view(ticker).prediction();
        probe()
            .awaitAssert(
                PATIENCE,
                () -> {
                  // Among them may be "unavailable" updates (no prediction) from bars still warming up.
                  assertThat(events(sse, ticker, "prediction"))
                      .anyMatch(e -> e.id() != null && served.equals(parse(e, PredictionUpdate.class).prediction()));
                  return null;
                });
        List<SseClient.Event> updates = events(sse, ticker, "update");
        assertThat(updates).extracting(e -> parse(e, TickerView.class).sequenceNr()).isSorted().doesNotHaveDuplicates();
        assertThat(parse(updates.get(updates.size() - 1), TickerView.class).bar()).isEqualTo(lastBar);
      }
      List<Long> positions =
          sse.events.stream().filter(e -> e.id() != null).map(e -> Long.parseLong(e.id().substring(e.id().lastIndexOf('-') + 1))).toList();
      assertThat(positions).isSorted().doesNotHaveDuplicates();
      lastEventId = sse.events.stream().filter(e -> e.id() != null).reduce((a, b) -> b).orElseThrow().id();
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

    // A stream client that was away resumes from its last position: what it missed comes first.
    try (SseClient resumed = new SseClient(node.baseUrl + "/api/v1/stream?tickers=AAPL&events=update", lastEventId)) {
      probe()
          .awaitAssert(
              PATIENCE,
              () -> {
                assertThat(resumed.events).filteredOn(e -> "update".equals(e.type())).isNotEmpty();
                return null;
              });
      SseClient.Event first = resumed.events.stream().filter(e -> "update".equals(e.type())).findFirst().orElseThrow();
      assertThat(parse(first, TickerView.class).bar()).isEqualTo(next);
    }
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
    // No consumer on the new node: whatever state it shows can only come from the journal. Its
    // HTTP warm-up finds the tickers there too, and queries them before the node is ready.
    node = TestNode.start(KEYSPACE, TOPIC, false, Map.of("tickcast.http.warm-up.requests", 300));
    HttpWarmUp.Result warmUp = NodeStatus.get(node.system).httpWarmUp.get(60, TimeUnit.SECONDS);
    assertThat(warmUp.refused() + warmUp.failed()).as(warmUp.toString()).isZero();
    assertThat(warmUp.ok()).as("the list, then views, predictions, features: " + warmUp).isGreaterThanOrEqualTo(300);
    probe().awaitAssert(PATIENCE, Duration.ofMillis(200), () -> assertThat(node.managementGet("/ready").statusCode()).isEqualTo(200));
    for (String ticker : TICKERS) {
      // Everything durable comes back, predictions and live scores included; why a bar has no
      // prediction is not durable by design.
      assertThat(view(ticker)).usingRecursiveComparison().ignoringFields("predictionUnavailable").isEqualTo(before.get(ticker));
    }
    assertThat(node.get("/api/v1/tickers/ZZZZ").statusCode()).isEqualTo(404);
  }

  record TickerListing(List<TickerView> tickers) {}

  private static List<SseClient.Event> events(SseClient sse, String ticker, String type) {
    return sse.events.stream()
        .filter(e -> type.equals(e.type()) && e.data().startsWith("{\"ticker\":\"" + ticker + "\""))
        .toList();
  }

  private static <T> T parse(SseClient.Event event, Class<T> type) {
    try {
      return Json.MAPPER.readValue(event.data(), type);
    } catch (java.io.IOException e) {
      throw new AssertionError("unreadable " + event, e);
    }
  }

  /** The prediction served for {@code bar}, once it is there. */
  private static Prediction awaitPrediction(String ticker, Bar bar) {
    return probe()
        .awaitAssert(
            PATIENCE,
            Duration.ofMillis(200),
            () -> {
              var response = uncheckedGet("/api/v1/tickers/" + ticker + "/prediction");
              assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
              Prediction p = Json.MAPPER.readValue(response.body(), Prediction.class);
              assertThat(p.asOf()).isEqualTo(bar.start());
              return p;
            });
  }

  private static java.net.http.HttpResponse<String> uncheckedGet(String path) {
    try {
      return node.get(path);
    } catch (Exception e) {
      throw new AssertionError(path + ": " + e.getMessage());
    }
  }

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
