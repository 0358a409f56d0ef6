package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tickcast.actors.ModelPool;
import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.ingest.DailyBarReplay;
import io.tickcast.ingest.KafkaReplay;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.ModelMetadata;
import io.tickcast.model.OnnxExport;
import io.tickcast.model.RidgeRegression;
import io.tickcast.model.Standardizer;
import io.tickcast.persistence.ModelRegistry;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.PredictionUpdate;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Kill;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Predictions served by a real node: the shipped model is bootstrapped as champion; a second
 * version promoted through the HTTP API while a paced replay runs takes over without a prediction
 * lost; a killed worker is replaced and the pool keeps answering.
 */
@ExtendWith(RealInfra.class)
class ModelServingIT {

  private static final String KEYSPACE = "it_models";
  private static final String TOPIC = "ticks-models";
  private static final List<String> TICKERS = List.of("AAPL", "IBM", "XOM");
  private static final LocalDate FROM = LocalDate.of(2020, 1, 2);
  private static final LocalDate PACED_FROM = LocalDate.of(2020, 4, 15);
  private static final LocalDate TO = LocalDate.of(2020, 6, 30);
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  private static TestNode node;
  private static ModelArtifact shipped;

  @BeforeAll
  static void startNode() throws Exception {
    RealInfra.createKeyspace(KEYSPACE);
    KafkaTopics.ensure(RealInfra.infra().kafkaBootstrapServers(), 2, TOPIC, TOPIC + ".quarantine");
    node = TestNode.start(KEYSPACE, TOPIC, true, Map.of());
    shipped = ModelArtifact.loadDefault();
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aPromotionDuringReplayTakesOverWithoutLosingAPredictionAndAKilledWorkerIsReplaced() throws Exception {
    ModelArtifact next = variant(shipped);
    try (CqlSession session = CassandraSessions.open(RealInfra.infra().cassandraContactPoint(), "datacenter1", false)) {
      ModelRegistry.prepare(session, KEYSPACE).thenCompose(r -> r.register(next, "it")).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    try (SseClient sse = new SseClient(node.baseUrl + "/api/v1/stream?events=prediction")) {
      assertThat(sse.status.get()).isEqualTo(200);
      // Up to PACED_FROM as fast as Kafka takes it, then one trading day every 200 ms.
      CompletableFuture<?> replay =
          KafkaReplay.run(
                  node.system,
                  new DailyBarReplay(
                      TICKERS.stream().map(ModelServingIT::dataFile).toList(), Set.copyOf(TICKERS), FROM, TO, PACED_FROM,
                      Duration.ofMillis(200)),
                  RealInfra.infra().kafkaBootstrapServers(),
                  TOPIC)
              .toCompletableFuture();

      // The shipped champion serves the paced days first.
      probe().awaitAssert(PATIENCE, () -> {
        assertThat(predictions(sse)).anyMatch(p -> !p.asOf().isBefore(start(PACED_FROM)) && p.modelVersion().equals(shipped.metadata().version()));
        return null;
      });
      HttpResponse<String> promoted =
          post(
              "/api/v1/models/" + shipped.metadata().name() + "/aliases",
              "{\"alias\":\"champion\",\"version\":\"" + next.metadata().version() + "\",\"reason\":\"it\",\"force\":true}");
      assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
      assertThat(promoted.body()).contains("\"forced\":true");

      // A worker dies mid-replay: the pool replaces it and no request goes unanswered.
      ModelPool.Status before = poolStatus();
      Adapter.toClassic(before.workerRefs().get(0)).tell(Kill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
      probe().awaitAssert(PATIENCE, () -> {
        assertThat(poolStatus().workerRestarts()).isGreaterThan(before.workerRestarts());
        return null;
      });

      replay.get(3, TimeUnit.MINUTES);
      for (String ticker : TICKERS) {
        List<Bar> paced = bars(ticker, PACED_FROM, TO);
        Bar last = paced.get(paced.size() - 1);
        probe().awaitAssert(PATIENCE, () -> {
          assertThat(predictions(sse)).anyMatch(p -> p.ticker().equals(ticker) && p.asOf().equals(last.start()));
          return null;
        });
        // One prediction per served bar, in bar order (a batch that closes several bars is
        // predicted from its newest), first by the shipped version, then by the promoted one.
        List<Prediction> served =
            predictions(sse).stream().filter(p -> p.ticker().equals(ticker) && !p.asOf().isBefore(start(PACED_FROM))).toList();
        assertThat(served).extracting(Prediction::asOf).isSorted().doesNotHaveDuplicates();
        assertThat(paced.stream().map(Bar::start).toList()).containsAll(served.stream().map(Prediction::asOf).toList());
        List<String> versions = served.stream().map(Prediction::modelVersion).toList();
        int switchAt = versions.indexOf(next.metadata().version());
        // Both versions served this ticker's paced days: the switch happened while they flowed.
        assertThat(switchAt).as("a prediction by the promoted version after some by the first").isPositive();
        assertThat(versions.subList(0, switchAt)).containsOnly(shipped.metadata().version());
        assertThat(versions.subList(switchAt, versions.size())).containsOnly(next.metadata().version());
      }
      // Nothing was lost on the way: no request refused, timed out or failed, swap and kill included.
      ModelPool.Status after = poolStatus();
      assertThat(after.rejectedByCode()).doesNotContainKeys("queue-full", "timeout", "inference-failed");
      assertThat(after.championVersion()).isEqualTo(next.metadata().version());
      assertThat(unavailable(sse)).filteredOn(u -> !u.asOf().isBefore(start(PACED_FROM))).as("no prediction failed").isEmpty();
    }

    // The registry says who serves now, and the live score counts the resolved predictions.
    String models = node.get("/api/v1/models").body();
    assertThat(models).contains("\"version\":\"" + next.metadata().version() + "\"").contains("\"aliases\":[\"champion\"]");
    assertThat(models).contains("\"live\":{\"n\":");
  }

  private static List<Prediction> predictions(SseClient sse) {
    return sse.events.stream()
        .filter(e -> "prediction".equals(e.type()))
        .map(e -> parse(e.data()))
        .filter(u -> u.prediction() != null)
        .map(PredictionUpdate::prediction)
        .toList();
  }

  private static List<PredictionUpdate> unavailable(SseClient sse) {
    return sse.events.stream()
        .filter(e -> "prediction".equals(e.type()))
        .map(e -> parse(e.data()))
        .filter(u -> u.prediction() == null && !u.unavailable().code().equals("warming-up"))
        .toList();
  }

  private static PredictionUpdate parse(String json) {
    try {
      return Json.MAPPER.readValue(json, PredictionUpdate.class);
    } catch (Exception e) {
      throw new AssertionError(json, e);
    }
  }

  private static ModelPool.Status poolStatus() throws Exception {
    ActorRef<ModelPool.Command> pool =
        Adapter.toTyped(
            Adapter.toClassic(node.system).actorSelection("/user/model-pool").resolveOne(Duration.ofSeconds(5)).toCompletableFuture().get());
    TestProbe<ModelPool.Status> status = TestProbe.create(node.system);
    pool.tell(new ModelPool.GetStatus(status.ref()));
    return status.receiveMessage();
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return TestNode.HTTP.send(
        RealInfra.request(node.baseUrl + path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The shipped model's metadata over other ONNX bytes (a small linear model): a new version. */
  private static ModelArtifact variant(ModelArtifact base) throws Exception {
    int width = base.metadata().featureSchema().size();
    double[] scale = new double[width];
    Arrays.fill(scale, 1.0);
    double[] weights = new double[width];
    Arrays.fill(weights, 1e-4);
    byte[] onnx = OnnxExport.toBytes(new RidgeRegression(new Standardizer(new double[width], scale), 1e-4, weights), "it", Map.of());
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx));
    ObjectNode metadata = Json.MAPPER.valueToTree(base.metadata());
    metadata.put("version", sha256.substring(0, 12)).put("sha256", sha256);
    return new ModelArtifact(Json.MAPPER.treeToValue(metadata, ModelMetadata.class), onnx);
  }

  private static List<Bar> bars(String ticker, LocalDate from, LocalDate to) throws Exception {
    return DailyBarCsv.readStrict(dataFile(ticker)).stream()
        .filter(b -> !b.start().isBefore(start(from)) && !b.start().isAfter(start(to)))
        .toList();
  }

  private static Instant start(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  private static Path dataFile(String ticker) {
    return Path.of(System.getProperty("tickcast.home", "..")).resolve("data/sp500-daily/" + ticker + ".csv.gz");
  }

  private static TestProbe<Object> probe() {
    return TestProbe.create(node.system);
  }
}
