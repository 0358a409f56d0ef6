package io.tickcast.node;

import com.typesafe.config.Config;
import io.tickcast.actors.TickerEntity;
import io.tickcast.http.ApiRoutes;
import io.tickcast.protocols.TickerView;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.stream.UniqueKillSwitch;
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
   * Starts Kamon (instrumentation + Prometheus endpoint) when enabled; once per JVM. It must run
   * before the actor system exists, because it instruments classes as they load.
   */
  public static void initMetrics(Config config) {
    if (config.getBoolean("tickcast.metrics.enabled") && kamonStarted.compareAndSet(false, true)) {
      kamon.Kamon.init(config);
    }
  }

  private static Behavior<Void> guardian(int partitions) {
    return Behaviors.setup(
        ctx -> {
          ActorSystem<Void> system = ctx.getSystem();
          Config tc = system.settings().config().getConfig("tickcast");

          joinCluster(system, tc.getString("cluster.join"));
          PekkoManagement.get(system).start();

          ActorRef<Topic.Command<TickerView>> updates =
              ctx.spawn(Topic.create(TickerView.class, UPDATES_TOPIC), UPDATES_TOPIC);
          TickerEntity.init(
              system,
              updates,
              TickerEntity.Settings.fromConfig(tc),
              entity ->
                  entity
                      .withMessageExtractor(KafkaShardAlignment.extractor(partitions))
                      .withAllocationStrategy(
                          new ExternalShardAllocationStrategy(
                              Adapter.toClassic(system), TickerEntity.ENTITY_KEY.name(), Timeout.create(Duration.ofSeconds(5)))));

          IngestStats stats = new IngestStats();
          NodeStatus.get(system).ingestStats(stats);
          ShardedTickerService service =
              new ShardedTickerService(
                  system,
                  updates,
                  stats,
                  tc.getDuration("http.ask-timeout"),
                  tc.getInt("http.sse-client-buffer"));
          bindHttp(system, new ApiRoutes(service, tc.getDuration("http.sse-heartbeat")), tc);

          if (tc.getBoolean("ingest.enabled")) {
            ActorRef<ConsumerRebalanceEvent> rebalances = ctx.spawn(KafkaShardAlignment.rebalanceListener(), "kafka-rebalances");
            startIngest(system, tc, stats, Adapter.toClassic(rebalances));
          }
          return Behaviors.empty();
        });
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

  private static void bindHttp(ActorSystem<?> system, ApiRoutes api, Config tc) {
    String host = tc.getString("http.host");
    int port = tc.getInt("http.port");
    Http.get(system)
        .newServerAt(host, port)
        .bind(api.routes())
        .whenComplete(
            (binding, failure) -> {
              if (failure != null) {
                log.error("Cannot bind the HTTP API to {}:{}: {}", host, port, failure.getMessage());
                NodeStatus.get(system).httpPort.completeExceptionally(failure);
                system.terminate();
              } else {
                binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
                NodeStatus.get(system).httpPort.complete(binding.localAddress().getPort());
                log.info("HTTP API on http://{}:{}/api/v1", host, port);
              }
            });
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
