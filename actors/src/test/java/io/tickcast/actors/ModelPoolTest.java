package io.tickcast.actors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tickcast.actors.ModelPool.Command;
import io.tickcast.actors.ModelPool.GetStatus;
import io.tickcast.actors.ModelPool.Predict;
import io.tickcast.actors.ModelPool.PredictReply;
import io.tickcast.actors.ModelPool.Predicted;
import io.tickcast.actors.ModelPool.Serve;
import io.tickcast.actors.ModelPool.Settings;
import io.tickcast.actors.ModelPool.Status;
import io.tickcast.actors.ModelPool.Unavailable;
import io.tickcast.features.vector.FeatureVector;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.ModelMetadata;
import io.tickcast.model.OnnxExport;
import io.tickcast.model.OnnxPredictor;
import io.tickcast.model.RidgeRegression;
import io.tickcast.model.Standardizer;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Prediction;
import java.io.File;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.actor.Kill;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ModelPoolTest {

  /** One thread that a test can hold, so that batches handed to its workers wait on cue. */
  private static final String GATED = "test.gated-dispatcher";

  private static final Instant AS_OF = Instant.parse("2021-04-20T00:00:00Z");
  private static final Duration FAR = Duration.ofHours(1);

  private static ActorTestKit testKit;
  private static ModelArtifact v1;
  private static ModelArtifact v2;
  private static double[][] rows;
  private static double[] v1Outputs;
  private static double[] v2Outputs;

  private ActorRef<Command> pool;

  @BeforeAll
  static void start() throws Exception {
    // The node's own tickcast.models.pool block (dispatchers included), with test sizes on top.
    Config node =
        ConfigFactory.parseFile(new File("../cluster-node/src/main/resources/application.conf")).withOnlyPath("tickcast.models.pool");
    testKit =
        ActorTestKit.create(
            ConfigFactory.parseString(
                    """
                    tickcast.models.pool { workers = 2, max-batch = 8 }
                    test.gated-dispatcher {
                      type = Dispatcher
                      executor = "thread-pool-executor"
                      thread-pool-executor.fixed-pool-size = 1
                    }
                    """)
                .withFallback(node)
                .withFallback(ConfigFactory.load()));
    v1 = ModelArtifact.loadDefault();
    v2 = variant(v1, ridge(FeatureVector.NAMES.size(), 2e-3));
    Random random = new Random(7);
    int volatility = FeatureVector.NAMES.indexOf("volatility_20");
    rows = new double[64][FeatureVector.NAMES.size()];
    for (double[] row : rows) {
      Arrays.setAll(row, j -> j == volatility ? 0.01 + 0.02 * random.nextDouble() : random.nextGaussian() * 0.05);
    }
    v1Outputs = outputs(v1);
    v2Outputs = outputs(v2);
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void stopPool() {
    if (pool != null) {
      testKit.stop(pool);
    }
  }

  @Test
  void settingsComeFromTheNodeConfig() {
    Config tickcast = testKit.system().settings().config().getConfig("tickcast");
    Settings settings = Settings.fromConfig(tickcast);
    assertThat(settings).extracting(Settings::workers, Settings::maxBatch).containsExactly(2, 8);
    assertThat(settings.queueCapacity()).isGreaterThanOrEqualTo(settings.maxBatch());
    assertThat(settings.dispatcher()).isEqualTo("pekko.actor.default-dispatcher");
    Config oneEach = ConfigFactory.parseString("models.pool.workers = 0").withFallback(tickcast);
    assertThat(Settings.fromConfig(oneEach).workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void servesOnEitherWorkerDispatcherOfTheNodeConfig() {
    Config tickcast = testKit.system().settings().config().getConfig("tickcast");
    Config ownThreads = ConfigFactory.parseString("models.pool.worker-dispatcher = \"" + Settings.DISPATCHER + "\"");
    for (Config config : List.of(tickcast, ownThreads.withFallback(tickcast))) {
      pool = served(Settings.fromConfig(config), v1, null);
      TestProbe<PredictReply> replies = testKit.createTestProbe();
      for (int i = 0; i < 20; i++) {
        pool.tell(predict(i, Instant.now().plus(FAR), replies.ref()));
      }
      assertPredicted(replies.receiveSeveralMessages(20), v1);
      testKit.stop(pool);
    }
    pool = null;
  }

  @Test
  void answersNoModelBeforeTheFirstServe() {
    pool = testKit.spawn(ModelPool.create(settings(1, 8, Duration.ZERO, 100, Settings.DISPATCHER)));
    TestProbe<PredictReply> replies = testKit.createTestProbe();
    pool.tell(predict(0, Instant.now().plus(FAR), replies.ref()));
    assertThat(replies.receiveMessage()).isInstanceOf(Unavailable.class).extracting("code").isEqualTo(ModelPool.NO_MODEL);
  }

  @Test
  void refusesAnotherBarIntervalWithoutInference() {
    pool = served(settings(1, 8, Duration.ZERO, 100, Settings.DISPATCHER), v1, null);
    TestProbe<PredictReply> replies = testKit.createTestProbe();
    pool.tell(
        new Predict("AAPL", AS_OF, Duration.ofMinutes(1), 100.0, rows[0], Instant.now().plus(FAR), replies.ref()));
    Unavailable refused = (Unavailable) replies.receiveMessage();
    assertThat(refused.code()).isEqualTo(ModelPool.INTERVAL_MISMATCH);
    assertThat(refused.reason()).contains("PT24H").contains("PT1M");
    assertThat(status(pool).batches()).isZero();
  }

  @Test
  void batchesConcurrentRequestsButNeverAboveMaxBatch() throws Exception {
    pool = served(settings(1, 4, Duration.ZERO, 100, GATED), v1, null);
    TestProbe<PredictReply> replies = testKit.createTestProbe();
    withWorkersHeld(() -> {
      for (int i = 0; i < 10; i++) {
        pool.tell(predict(i, Instant.now().plus(FAR), replies.ref()));
      }
      // The first request went alone to the idle worker; the rest queued behind it.
      Status held = status(pool);
      assertThat(held.busyWorkers()).isEqualTo(1);
      assertThat(held.queuedRows()).isEqualTo(9);
    });
    assertPredicted(replies.receiveSeveralMessages(10), v1);
    // Workers answer before they report to the pool: the count catches up a moment later.
    Status done = awaitStatus(s -> s.served() == 10);
    assertThat(done.batches()).isEqualTo(4); // 1, 4, 4, 1
    assertThat(done.largestBatch()).isEqualTo(4);
  }

  @Test
  void aPartialBatchWaitsForTheQueueDelayAFullOneGoesAtOnce() {
    pool = served(settings(1, 4, Duration.ofHours(1), 100, Settings.DISPATCHER), v1, null);
    TestProbe<PredictReply> replies = testKit.createTestProbe();
    for (int i = 0; i < 3; i++) {
      pool.tell(predict(i, Instant.now().plus(FAR), replies.ref()));
    }
    assertThat(status(pool)).extracting(Status::queuedRows, Status::batches).containsExactly(3, 0L);
    pool.tell(predict(3, Instant.now().plus(FAR), replies.ref()));
    assertPredicted(replies.receiveSeveralMessages(4), v1);
    assertThat(status(pool)).extracting(Status::batches, Status::largestBatch).containsExactly(1L, 4);

    testKit.stop(pool);
    Duration delay = Duration.ofMillis(50);
    pool = served(settings(1, 4, delay, 100, Settings.DISPATCHER), v1, null);
    long sent = System.nanoTime();
    pool.tell(predict(0, Instant.now().plus(FAR), replies.ref()));
    assertPredicted(List.of(replies.receiveMessage()), v1);
    assertThat(System.nanoTime() - sent).isGreaterThanOrEqualTo(delay.toNanos());
  }

  @Test
  void refusesAtOnceWhenTheQueueIsFull() throws Exception {
    pool = served(settings(1, 1, Duration.ZERO, 2, GATED), v1, null);
    TestProbe<PredictReply> replies = testKit.createTestProbe();
    TestProbe<PredictReply> refused = testKit.createTestProbe();
    withWorkersHeld(() -> {
      for (int i = 0; i < 3; i++) { // one running, two queued
        pool.tell(predict(i, Instant.now().plus(FAR), replies.ref()));
      }
      pool.tell(predict(3, Instant.now().plus(FAR), refused.ref()));
      assertThat(refused.receiveMessage()).isInstanceOf(Unavailable.class).extracting("code").isEqualTo(ModelPool.QUEUE_FULL);
    });
    assertPredicted(replies.receiveSeveralMessages(3), v1);
    assertThat(status(pool).rejectedByCode()).isEqualTo(Map.of(ModelPool.QUEUE_FULL, 1L));
  }

  @Test
  void answersTimeoutWhenTheDeadlinePassesBeforeInference() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-02T15:00:00Z"));
    pool = testKit.spawn(ModelPool.create(settings(1, 4, Duration.ZERO, 100, GATED), clock));
    pool.tell(new Serve(v1, null));
    awaitStatus(s -> s.workers() == 1);
    TestProbe<PredictReply> late = testKit.createTestProbe();
    pool.tell(predict(0, clock.instant().minusMillis(1), late.ref()));
    assertThat(late.receiveMessage()).extracting("code").isEqualTo(ModelPool.TIMEOUT);

    TestProbe<PredictReply> running = testKit.createTestProbe();
    TestProbe<PredictReply> expiring = testKit.createTestProbe();
    TestProbe<PredictReply> patient = testKit.createTestProbe();
    withWorkersHeld(() -> {
      pool.tell(predict(1, clock.instant().plusSeconds(1), running.ref()));
      pool.tell(predict(2, clock.instant().plusSeconds(1), expiring.ref()));
      pool.tell(predict(3, clock.instant().plus(FAR), patient.ref()));
      assertThat(status(pool).queuedRows()).isEqualTo(2);
      clock.advance(Duration.ofSeconds(2));
    });
    // Already handed to the worker when its deadline passed: inference is not interrupted.
    assertPredicted(List.of(running.receiveMessage()), v1);
    assertThat(expiring.receiveMessage()).extracting("code").isEqualTo(ModelPool.TIMEOUT);
    assertPredicted(List.of(patient.receiveMessage()), v1);
    assertThat(status(pool).rejectedByCode()).isEqualTo(Map.of(ModelPool.TIMEOUT, 2L));
  }

  @Test
  void hotSwapUnderLoadAnswersEveryRequestWithTheVersionThatComputedIt() {
    pool = served(settings(2, 8, Duration.ZERO, 1000, Settings.DISPATCHER), v1, null);
    List<ActorRef<ModelWorker.Command>> oldWorkers = status(pool).workerRefs();
    TestProbe<PredictReply> replies = testKit.createTestProbe();
    for (int i = 0; i < 200; i++) {
      pool.tell(predict(i, Instant.now().plus(FAR), replies.ref()));
    }
    pool.tell(new Serve(v2, null));
    for (int i = 200; i < 400; i++) {
      pool.tell(predict(i, Instant.now().plus(FAR), replies.ref()));
    }
    Status swapped = awaitStatus(s -> version(v2).equals(s.championVersion()) && s.loadingVersion() == null);
    assertThat(swapped.workerRefs()).hasSize(2).doesNotContainAnyElementsOf(oldWorkers);
    for (int i = 400; i < 500; i++) {
      pool.tell(predict(i, Instant.now().plus(FAR), replies.ref()));
    }

    List<PredictReply> all = replies.receiveSeveralMessages(500, Duration.ofSeconds(30));
    assertPredicted(all, null);
    Map<String, Prediction> byTicker = new HashMap<>();
    all.forEach(r -> byTicker.put(((Predicted) r).prediction().ticker(), ((Predicted) r).prediction()));
    assertThat(byTicker).hasSize(500);
    assertThat(byTicker.get("T0").modelVersion()).isEqualTo(version(v1)); // dispatched before the Serve
    for (int i = 400; i < 500; i++) {
      assertThat(byTicker.get("T" + i).modelVersion()).isEqualTo(version(v2));
    }
    for (ActorRef<ModelWorker.Command> old : oldWorkers) {
      replies.expectTerminated(old);
    }
    assertThat(awaitStatus(s -> s.served() == 500).rejected()).isZero();
  }

  @Test
  void replacesAWorkerThatStopsWhileHoldingABatchAndRunsTheBatchAgain() throws Exception {
    pool = served(settings(1, 4, Duration.ZERO, 100, GATED), v1, null);
    ActorRef<ModelWorker.Command> first = status(pool).workerRefs().get(0);
    TestProbe<PredictReply> replies = testKit.createTestProbe();
    withWorkersHeld(() -> {
      pool.tell(predict(5, Instant.now().plus(FAR), replies.ref()));
      assertThat(status(pool).busyWorkers()).isEqualTo(1);
      // A system message: the worker stops before it reads the batch waiting in its mailbox.
      Adapter.toClassic(testKit.system()).stop(Adapter.toClassic(first));
    });
    assertPredicted(List.of(replies.receiveMessage()), v1);
    Status recovered = awaitStatus(s -> s.served() == 1);
    assertThat(recovered.workerRestarts()).isEqualTo(1);
    assertThat(recovered.workerRefs()).hasSize(1).doesNotContain(first);
  }

  @Test
  void replacesAWorkerThatCrashes() {
    pool = served(settings(2, 8, Duration.ZERO, 100, Settings.DISPATCHER), v1, null);
    ActorRef<ModelWorker.Command> victim = status(pool).workerRefs().get(0);
    Adapter.toClassic(victim).tell(Kill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
    Status recovered = awaitStatus(s -> s.workerRestarts() == 1 && s.workers() == 2);
    assertThat(recovered.workerRefs()).doesNotContain(victim);
    TestProbe<PredictReply> replies = testKit.createTestProbe();
    for (int i = 0; i < 20; i++) {
      pool.tell(predict(i, Instant.now().plus(FAR), replies.ref()));
    }
    assertPredicted(replies.receiveSeveralMessages(20), v1);
  }

  @Test
  void answersInferenceFailuresAndKeepsServing() throws Exception {
    // The shipped model re-exported with a static batch dimension of 1: loads, runs one row, fails on two.
    ModelArtifact batchOfOne = variant(v1, staticBatchOfOne(v1.onnx()));
    pool = served(settings(1, 4, Duration.ZERO, 100, GATED), batchOfOne, null);
    ActorRef<ModelWorker.Command> worker = status(pool).workerRefs().get(0);
    TestProbe<PredictReply> replies = testKit.createTestProbe();
    withWorkersHeld(() -> {
      for (int i = 0; i < 3; i++) { // a batch of one, then one of two
        pool.tell(predict(i, Instant.now().plus(FAR), replies.ref()));
      }
      assertThat(status(pool).queuedRows()).isEqualTo(2);
    });
    List<PredictReply> answers = replies.receiveSeveralMessages(3);
    assertThat(answers).filteredOn(Predicted.class::isInstance).hasSize(1);
    assertThat(answers)
        .filteredOn(Unavailable.class::isInstance)
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(((Unavailable) r).code()).isEqualTo(ModelPool.INFERENCE_FAILED);
              assertThat(((Unavailable) r).reason()).contains(version(batchOfOne));
            });

    pool.tell(predict(3, Instant.now().plus(FAR), replies.ref()));
    assertThat(replies.receiveMessage()).isInstanceOf(Predicted.class);
    Status after = awaitStatus(s -> s.served() == 2);
    assertThat(after.workerRefs()).containsExactly(worker);
    assertThat(after.workerRestarts()).isZero();
    assertThat(after.rejectedByCode()).isEqualTo(Map.of(ModelPool.INFERENCE_FAILED, 2L));
  }

  @Test
  void refusesToSwapToAModelThatCannotRunAndKeepsTheChampion() throws Exception {
    // 16 inputs in the graph, 17 in the metadata: the warm-up row fails while loading.
    ModelArtifact tooNarrow = variant(v1, ridge(FeatureVector.NAMES.size() - 1, 1e-3));
    pool = served(settings(2, 8, Duration.ZERO, 100, Settings.DISPATCHER), v1, null);
    pool.tell(new Serve(tooNarrow, null));
    // Serve is handled before any later status request; its load may already have failed by then.
    Status after = awaitStatus(s -> s.loadingVersion() == null);
    assertThat(after.championVersion()).isEqualTo(version(v1));
    assertThat(after.workers()).isEqualTo(2);
    TestProbe<PredictReply> replies = testKit.createTestProbe();
    pool.tell(predict(0, Instant.now().plus(FAR), replies.ref()));
    assertPredicted(List.of(replies.receiveMessage()), v1);
  }

  @Test
  void shadowsTheChallengerInTheLogWithoutServingIt() throws Exception {
    ch.qos.logback.classic.Logger shadowLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("tickcast.shadow");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    shadowLog.addAppender(lines);
    shadowLog.setLevel(Level.INFO);
    try {
      pool = served(settings(2, 8, Duration.ZERO, 100, Settings.DISPATCHER), v1, v2);
      awaitStatus(s -> version(v2).equals(s.challengerVersion()));
      TestProbe<PredictReply> replies = testKit.createTestProbe();
      pool.tell(predict(9, Instant.now().plus(FAR), replies.ref()));
      Prediction served = ((Predicted) replies.receiveMessage()).prediction();
      assertThat(served.modelVersion()).isEqualTo(version(v1));

      // Nothing was queued when the champion finished, so the idle challenger ran the row.
      awaitStatus(s -> s.shadowed() == 1);
      replies.expectNoMessage(Duration.ofMillis(1)); // the shadow answers nobody
      assertThat(lines.list).hasSize(1);
      JsonNode line = Json.MAPPER.readTree(lines.list.get(0).getFormattedMessage());
      assertThat(line.get("ticker").asText()).isEqualTo("T9");
      assertThat(Instant.parse(line.get("asOf").asText())).isEqualTo(AS_OF);
      assertThat(line.get("championVersion").asText()).isEqualTo(version(v1));
      assertThat(line.get("championOutput").asDouble()).isEqualTo(served.expectedReturn());
      assertThat(line.get("challengerVersion").asText()).isEqualTo(version(v2));
      assertThat(line.get("challengerOutput").asDouble()).isCloseTo(v2Outputs[9], within(1e-6));

      pool.tell(new Serve(v1, null));
      assertThat(status(pool)).extracting(Status::challengerVersion, Status::championVersion).containsExactly(null, version(v1));
    } finally {
      shadowLog.detachAppender(lines);
      shadowLog.setLevel(null);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static Settings settings(int workers, int maxBatch, Duration delay, int capacity, String dispatcher) {
    return new Settings(workers, maxBatch, delay, capacity, dispatcher, Settings.SHADOW_DISPATCHER);
  }

  /** A pool serving {@code champion} on all its workers. */
  private static ActorRef<Command> served(Settings settings, ModelArtifact champion, ModelArtifact challenger) {
    ActorRef<Command> p = testKit.spawn(ModelPool.create(settings));
    p.tell(new Serve(champion, challenger));
    awaitStatus(p, s -> s.workers() == settings.workers() && version(champion).equals(s.championVersion()));
    return p;
  }

  /** Row {@code row} for ticker T{row}. */
  private static Predict predict(int row, Instant deadline, ActorRef<PredictReply> replyTo) {
    return new Predict(
        "T" + row, AS_OF, v1.metadata().barInterval(), 100.0, rows[row % rows.length], deadline, replyTo);
  }

  /** Every reply a prediction of {@code model} (any served version when null), output as computed directly. */
  private static void assertPredicted(List<PredictReply> replies, ModelArtifact model) {
    for (PredictReply reply : replies) {
      assertThat(reply).isInstanceOf(Predicted.class);
      Prediction p = ((Predicted) reply).prediction();
      int row = Integer.parseInt(p.ticker().substring(1)) % rows.length;
      if (model != null) {
        assertThat(p.modelVersion()).isEqualTo(version(model));
      }
      double[] expected = p.modelVersion().equals(version(v1)) ? v1Outputs : v2Outputs;
      assertThat(p.expectedReturn()).as(p.ticker()).isCloseTo(expected[row], within(1e-6));
      assertThat(p.features()).isEqualTo(rows[row]);
    }
  }

  private Status status(ActorRef<Command> p) {
    TestProbe<Status> probe = testKit.createTestProbe();
    p.tell(new GetStatus(probe.ref()));
    return probe.receiveMessage();
  }

  private Status awaitStatus(Predicate<Status> condition) {
    return awaitStatus(pool, condition);
  }

  private static Status awaitStatus(ActorRef<Command> p, Predicate<Status> condition) {
    TestProbe<Status> probe = testKit.createTestProbe();
    return probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          p.tell(new GetStatus(probe.ref()));
          Status s = probe.receiveMessage();
          assertThat(s).matches(condition);
          return s;
        });
  }

  private static String version(ModelArtifact model) {
    return model.metadata().version();
  }

  private static double[] outputs(ModelArtifact model) throws Exception {
    try (OnnxPredictor predictor = OnnxPredictor.load(model.onnx(), rows[0].length)) {
      return predictor.predict(rows);
    }
  }

  /** A linear model on {@code width} raw features with every weight {@code weight}. */
  private static byte[] ridge(int width, double weight) {
    double[] scale = new double[width];
    Arrays.fill(scale, 1.0);
    double[] weights = new double[width];
    Arrays.fill(weights, weight);
    return OnnxExport.toBytes(new RidgeRegression(new Standardizer(new double[width], scale), 1e-4, weights), "test", Map.of());
  }

  private static byte[] staticBatchOfOne(byte[] onnx) throws Exception {
    OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(onnx).toBuilder();
    OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
    for (OnnxMl.ValueInfoProto.Builder io : List.of(graph.getInputBuilder(0), graph.getOutputBuilder(0))) {
      io.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0).setDimValue(1);
    }
    return model.build().toByteArray();
  }

  /** {@code base}'s metadata for other ONNX bytes: a new version, checked like any served model. */
  private static ModelArtifact variant(ModelArtifact base, byte[] onnx) throws Exception {
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx));
    ObjectNode metadata = Json.MAPPER.valueToTree(base.metadata());
    metadata.put("version", sha256.substring(0, 12)).put("sha256", sha256);
    return new ModelArtifact(Json.MAPPER.treeToValue(metadata, ModelMetadata.class), onnx);
  }

  /** Runs {@code body} while the gated dispatcher's only thread is held: batches wait in mailboxes. */
  private static void withWorkersHeld(Runnable body) throws InterruptedException {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig(GATED)).execute(
        () -> {
          held.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      body.run();
    } finally {
      release.countDown();
    }
  }

  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
