package io.tickcast.node;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import io.tickcast.actors.ModelPool;
import io.tickcast.actors.StreamHub;
import io.tickcast.actors.TickerEntity;
import io.tickcast.http.ApiRoutes;
import io.tickcast.http.RequestTiming;
import io.tickcast.http.CorsSettings;
import io.tickcast.http.WatchRoutes;
import io.tickcast.http.security.AuditLog;
import io.tickcast.http.security.Security;
import io.tickcast.http.security.Tls;
import io.tickcast.model.ModelArtifact;
import io.tickcast.persistence.ModelRegistry;
import io.tickcast.protocols.TickerUpdate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.apache.pekko.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Tickcast cluster node: wiring only; each piece's behaviour lives in its own class. */
public final class Node {

  private static final Logger log = LoggerFactory.getLogger(Node.class);
  public static final String UPDATES_TOPIC = "ticker-updates";

  private Node() {}

  private static final AtomicBoolean kamonStarted = new AtomicBoolean();

  /** Starts a node with a fully resolved configuration (see {@link NodeConfig}). */
  public static ActorSystem<Void> start(Config config) {
    initMetrics(config);
    // Shards follow the ticks topic's partitions, so every node must know how many there are.
    int partitions =
        KafkaTopics.partitions(config.getString("tickcast.kafka.bootstrap-servers"), config.getString("tickcast.ingest.topic"));
    return ActorSystem.create(guardian(partitions), "tickcast", config);
  }

  /**
   * Starts Kamon (metrics, Prometheus endpoint, and the bytecode instrumentation when
   * {@code tickcast.metrics.instrumentation} is on) when enabled; once per JVM. It must run
   * before the actor system exists, because the instrumentation changes classes as they load.
   */
  public static void initMetrics(Config config) {
    if (config.getBoolean("tickcast.metrics.enabled") && kamonStarted.compareAndSet(false, true)) {
      if (config.getBoolean("tickcast.metrics.instrumentation")) {
        kamon.Kamon.init(config);
      } else {
        kamon.Kamon.initWithoutAttaching(config);
      }
    }
  }

  private static Behavior<Void> guardian(int partitions) {
    return Behaviors.setup(
        ctx -> {
          ActorSystem<Void> system = ctx.getSystem();
          Config tc = system.settings().config().getConfig("tickcast");

          joinCluster(system, tc.getString("cluster.join"));
          PekkoManagement.get(system).start();

          CompletionStage<CqlSession> cassandra =
              CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra").underlying();
          String keyspace = tc.getString("cassandra.keyspace");

          ActorRef<ModelPool.Command> models = ctx.spawn(ModelPool.create(ModelPool.Settings.fromConfig(tc)), "model-pool");
          CompletionStage<ModelRegistry> registry = startRegistry(system, cassandra, keyspace, tc);
          ActorRef<Topic.Command<ModelChampionWatcher.AliasesChanged>> modelAnnouncements =
              ctx.spawn(
                  Topic.create(ModelChampionWatcher.AliasesChanged.class, ModelChampionWatcher.TOPIC), ModelChampionWatcher.TOPIC);
          ctx.spawn(
              ModelChampionWatcher.create(
                  registry, tc.getString("models.name"), tc.getDuration("models.poll-interval"), models, modelAnnouncements),
              "model-champion-watcher");

          ActorRef<Topic.Command<TickerUpdate>> updates =
              ctx.spawn(Topic.create(TickerUpdate.class, UPDATES_TOPIC), UPDATES_TOPIC);
          ActorRef<TickerEntity.DeliverWebhook> webhooks =
              ctx.spawn(
                  WebhookDelivery.create(
                      WebhookDelivery.Settings.fromConfig(tc.getConfig("watches.webhook")),
                      ticker -> ClusterSharding.get(system).entityRefFor(TickerEntity.ENTITY_KEY, ticker),
                      Clock.systemUTC()),
                  "webhook-delivery");
          TickerEntity.init(
              system,
              updates,
              models,
              webhooks,
              TickerEntity.Settings.fromConfig(tc),
              entity ->
                  entity
                      .withMessageExtractor(KafkaShardAlignment.extractor(partitions))
                      .withAllocationStrategy(
                          new ExternalShardAllocationStrategy(
                              Adapter.toClassic(system), TickerEntity.ENTITY_KEY.name(), Timeout.create(Duration.ofSeconds(5)))));

          TickerHistoryProjection.init(
              system, cassandra, keyspace, updates, TickerHistoryProjection.Settings.fromConfig(tc.getConfig("history")));

          IngestStats stats = new IngestStats();
          NodeStatus.get(system).ingestStats(stats);
          ActorRef<StreamHub.Command> streamHub =
              ctx.spawn(StreamHub.create(updates, tc.getInt("http.sse-replay-per-ticker")), "stream-hub");
          LatestViews latest = new LatestViews(tc.getDuration("http.view-max-age"), System::nanoTime);
          ctx.spawn(LatestViews.subscriber(updates, latest), "latest-views");
          ShardedTickerService service =
              new ShardedTickerService(
                  system,
                  streamHub,
                  latest,
                  stats,
                  cassandra.thenCompose(session -> TickerHistoryStore.prepare(session, keyspace)),
                  tc.getDuration("http.ask-timeout"),
                  tc.getInt("http.sse-client-buffer"));
          // Read here, not once bound: a bad setting must stop the start, not leave it never ready.
          HttpWarmUp.Settings warmUpSettings = HttpWarmUp.Settings.fromConfig(tc.getConfig("http.warm-up"));
          HttpWarmUp.Keys keys = apiKeys(cassandra, keyspace, tc);
          Security security = Security.fromConfig(tc.getConfig("security"), keys, auditLog(cassandra, keyspace));
          bindHttp(
              system,
              new ApiRoutes(
                  service,
                  new PekkoClusterService(system, tc.getDuration("http.ask-timeout")),
                  new RegistryModelCatalog(registry, service, modelAnnouncements),
                  security,
                  tc.getDuration("http.sse-heartbeat"),
                  tc.getDuration("http.sse-stall-timeout"),
                  CorsSettings.fromConfig(tc.getConfig("http.cors"))),
              new WatchRoutes(
                  new ShardedWatchService(
                      system,
                      cassandra.thenCompose(session -> CassandraWatchIndex.prepare(session, keyspace)),
                      service,
                      tc.getDuration("http.ask-timeout"),
                      Clock.systemUTC()),
                  security,
                  tc.getDuration("http.sse-heartbeat")),
              tc)
              .thenCompose(bound -> warmUp(system, bound, warmUpSettings, security.enabled() ? keys : null, latest::tickers, tc))
              .thenAccept(NodeStatus.get(system).httpWarmUp::complete);

          if (tc.getBoolean("ingest.enabled")) {
            ActorRef<ConsumerRebalanceEvent> rebalances = ctx.spawn(KafkaShardAlignment.rebalanceListener(), "kafka-rebalances");
            startIngest(system, tc, stats, Adapter.toClassic(rebalances));
          }
          return Behaviors.empty();
        });
  }

  /**
   * The registry once its statements are prepared; with {@code models.bootstrap-default} the
   * shipped model is registered and, if the model has no champion yet, made champion.
   */
  private static CompletionStage<ModelRegistry> startRegistry(
      ActorSystem<?> system, CompletionStage<CqlSession> cassandra, String keyspace, Config tc) {
    CompletionStage<ModelRegistry> registry = cassandra.thenCompose(session -> ModelRegistry.prepare(session, keyspace));
    if (!tc.getBoolean("models.bootstrap-default")) {
      return registry;
    }
    String by = "node:" + Cluster.get(system).selfMember().address();
    return registry.thenCompose(
        r -> {
          try {
            ModelArtifact shipped = ModelArtifact.loadDefault();
            return r.bootstrapDefault(shipped, by)
                .thenApply(
                    done -> {
                      log.info(
                          "Model {}: champion is {}{}", shipped.metadata().name(), done.champion().version(),
                          done.championAssigned() ? " (the shipped default, just bootstrapped)" : "");
                      return r;
                    });
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * API keys live in Cassandra (lookups wait for the session, not the node), next to the HTTP
   * warm-up's one-off keys.
   */
  private static HttpWarmUp.Keys apiKeys(CompletionStage<CqlSession> cassandra, String keyspace, Config tc) {
    CompletionStage<CassandraApiKeyStore> keys = cassandra.thenApply(session -> new CassandraApiKeyStore(session, keyspace));
    return new HttpWarmUp.Keys(
        hash -> keys.thenCompose(store -> store.lookup(hash)), tc.getDouble("security.rate-limits.viewer.per-second"));
  }

  private static AuditLog auditLog(CompletionStage<CqlSession> cassandra, String keyspace) {
    CompletionStage<CassandraAuditLog> audit = cassandra.thenApply(session -> new CassandraAuditLog(session, keyspace));
    return entry -> audit.thenCompose(log -> log.append(entry));
  }

  /** Warms the bound API up unless switched off or on TLS (the warm-up speaks plain HTTP). */
  private static CompletionStage<HttpWarmUp.Result> warmUp(
      ActorSystem<?> system,
      InetSocketAddress bound,
      HttpWarmUp.Settings settings,
      HttpWarmUp.Keys keys,
      Supplier<List<String>> tickers,
      Config tc) {
    if (!settings.enabled()) {
      return CompletableFuture.completedFuture(HttpWarmUp.Result.skipped("tickcast.http.warm-up.requests = 0"));
    }
    if (tc.getBoolean("http.tls.enabled")) {
      log.info("HTTP warm-up skipped: it speaks plain HTTP and the API is on TLS");
      return CompletableFuture.completedFuture(HttpWarmUp.Result.skipped("the API is on TLS"));
    }
    return HttpWarmUp.run(system, bound, settings, keys, tickers);
  }

  private static void joinCluster(ActorSystem<?> system, String mode) {
    Cluster cluster = Cluster.get(system);
    switch (mode) {
      case "self" -> cluster.manager().tell(Join.create(cluster.selfMember().address()));
      case "bootstrap" -> ClusterBootstrap.get(system).start();
      case "seed-nodes" -> { /* pekko.cluster.seed-nodes drives the join */ }
      default -> throw new IllegalArgumentException(
          "tickcast.cluster.join must be self, seed-nodes or bootstrap, not '" + mode + "'");
    }
  }

  /** Binds the API; completes with the bound address (the node stops when it cannot bind). */
  private static CompletionStage<InetSocketAddress> bindHttp(
      ActorSystem<?> system, ApiRoutes api, WatchRoutes watches, Config tc) {
    String host = tc.getString("http.host");
    int port = tc.getInt("http.port");
    ServerBuilder server = Http.get(system).newServerAt(host, port).withMaterializer(HttpServerMaterializer.create(system));
    Optional<HttpsConnectionContext> tls = Tls.fromConfig(tc.getConfig("http.tls"));
    String scheme = tls.isPresent() ? "https" : "http";
    return tls.map(server::enableHttps)
        .orElse(server)
        .bind(timed(api.routes(watches.routes()), tc))
        .whenComplete(
            (binding, failure) -> {
              if (failure != null) {
                log.error("Cannot bind the HTTP API to {}:{}: {}", host, port, failure.getMessage());
                NodeStatus.get(system).httpPort.completeExceptionally(failure);
                system.terminate();
              } else {
                binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
                NodeStatus.get(system).httpPort.complete(binding.localAddress().getPort());
                log.info("HTTP API on {}://{}:{}/api/v1", scheme, host, port);
              }
            })
        .thenApply(ServerBinding::localAddress);
  }

  /** The API with its latency recorded, when metrics are on. */
  private static Route timed(Route api, Config tc) {
    return tc.getBoolean("metrics.enabled") ? new RequestTiming(new HttpServerMetrics()).wrap(api) : api;
  }

  private static void startIngest(
      ActorSystem<?> system, Config tc, IngestStats stats, org.apache.pekko.actor.ActorRef rebalanceListener) {
    TickIngestor.Settings settings =
        new TickIngestor.Settings(
            tc.getString("kafka.bootstrap-servers"),
            tc.getString("ingest.topic"),
            tc.getString("ingest.quarantine-topic"),
            tc.getString("ingest.group-id"),
            tc.getInt("ingest.max-batch"),
            tc.getDuration("ingest.max-batch-delay"),
            tc.getDuration("ingest.ask-timeout"),
            tc.getDuration("bars.interval"),
            tc.getDuration("bars.allowed-lateness"));
    NodeStatus status = NodeStatus.get(system);
    status.ingestEnabled.set(true);
    TickIngestor ingestor = new TickIngestor(system, settings, stats, rebalanceListener);
    UniqueKillSwitch ingest = ingestor.start();
    status.ingestRunning.set(true);
    // Stop consuming before sharding hands entities off, so nothing is asked of a leaving node.
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceStop(),
            "stop-ingest",
            () -> {
              ingest.shutdown();
              status.ingestRunning.set(false);
              return ingestor.close();
            });
    log.info("Consuming {} from {}", settings.topic(), settings.bootstrapServers());
  }
}
