package io.tickcast.node;

import com.typesafe.config.Config;
import io.tickcast.devinfra.DevInfra;
import io.tickcast.ingest.DailyBarReplay;
import io.tickcast.ingest.KafkaReplay;
import io.tickcast.persistence.CassandraSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.AbruptTerminationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Start everything on this machine: a real Cassandra and Kafka (child JVMs), one cluster node,",
      "and a replay of real daily bars on an accelerated clock. Runs until Ctrl-C."
    })
final class DevCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(DevCommand.class);

  /** How long Ctrl-C waits for the node's coordinated shutdown before stopping the servers. */
  private static final Duration NODE_STOP_PATIENCE = Duration.ofSeconds(60);

  @Mixin ReplayOptions replay;

  @Option(names = "--work-dir", description = "Data and logs of Cassandra and Kafka. Default: ${DEFAULT-VALUE}", defaultValue = "target/dev-infra")
  Path workDir;

  @Option(names = "--keep-data", description = "Keep the previous run's Cassandra and Kafka data (default: start fresh).")
  boolean keepData;

  @Option(names = "--http-port", description = "HTTP API port. Default: ${DEFAULT-VALUE}", defaultValue = "8080")
  int httpPort;

  @Option(names = "--management-port", description = "Pekko Management port (/ready, /alive). Default: ${DEFAULT-VALUE}", defaultValue = "8558")
  int managementPort;

  @Option(names = "--cassandra-port", description = "Default: ${DEFAULT-VALUE}", defaultValue = "19042")
  int cassandraPort;

  @Option(names = "--kafka-port", description = "Default: ${DEFAULT-VALUE}", defaultValue = "19092")
  int kafkaPort;

  @Option(names = "--kafka-controller-port", description = "Default: ${DEFAULT-VALUE}", defaultValue = "19093")
  int kafkaControllerPort;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Path dir = ProjectPaths.resolve(workDir);
    DevInfra.Settings infraSettings =
        DevInfra.Settings.defaults(ProjectPaths.home(), dir).withPorts(cassandraPort, kafkaPort, kafkaControllerPort);
    if (!keepData) {
      // Checks the ports first: never wipe the data of servers that are still running.
      DevInfra.deleteWorkDir(infraSettings);
    }
    // Kamon's start-up (seconds) overlaps the servers' start-up instead of following it.
    CompletableFuture<Void> metrics = CompletableFuture.runAsync(() -> Node.initMetrics(NodeConfig.load(Map.of())));
    DevInfra infra = DevInfra.start(infraSettings);

    Config config =
        NodeConfig.load(
            Map.of(
                "tickcast.cassandra.contact-point", infra.cassandraContactPoint(),
                "tickcast.kafka.bootstrap-servers", infra.kafkaBootstrapServers(),
                "tickcast.http.port", httpPort,
                "pekko.management.http.port", managementPort));
    long schemaStart = System.nanoTime();
    SchemaCommand.apply(
        infra.cassandraContactPoint(),
        config.getString("tickcast.cassandra.datacenter"),
        config.getString("tickcast.cassandra.keyspace"),
        CassandraSchema.DEV_REPLICATION);
    String topic = config.getString("tickcast.ingest.topic");
    KafkaTopics.ensure(
        infra.kafkaBootstrapServers(),
        config.getInt("tickcast.kafka.partitions"),
        topic,
        config.getString("tickcast.ingest.quarantine-topic"));
    log.info("Schema and topic in place in {} ms", (System.nanoTime() - schemaStart) / 1_000_000);
    // Kept beside the dev data folder (under target/, never in the repository), so restarts
    // print the same key even when the data is wiped.
    String adminKey =
        KeysCommand.devAdminKey(
            infra.cassandraContactPoint(),
            config.getString("tickcast.cassandra.datacenter"),
            config.getString("tickcast.cassandra.keyspace"),
            dir.resolveSibling("dev-admin.key"));
    DailyBarReplay dailyReplay = replay.toReplay();

    metrics.join();
    long nodeStart = System.nanoTime();
    ActorSystem<Void> system = Node.start(config);
    // Ctrl-C: the node first (it leaves the cluster, passivates its entities and closes its
    // Kafka producers while Cassandra and Kafka still answer), then the servers.
    infra.beforeServersStopOnExit(
        () -> {
          system.terminate();
          try {
            system.getWhenTerminated().toCompletableFuture().get(NODE_STOP_PATIENCE.toSeconds(), TimeUnit.SECONDS);
          } catch (TimeoutException e) {
            log.warn("The node did not stop within {}; stopping Cassandra and Kafka anyway", NODE_STOP_PATIENCE);
          } catch (InterruptedException | ExecutionException e) {
            log.warn("Waiting for the node to stop failed; stopping Cassandra and Kafka anyway", e);
          }
        });
    int port = NodeStatus.get(system).httpPort.get(60, TimeUnit.SECONDS);
    log.info("Node up in {} ms", (System.nanoTime() - nodeStart) / 1_000_000);
    double seconds = (System.nanoTime() - t0) / 1e9;
    String http = "http://" + config.getString("tickcast.http.host") + ":" + port;
    System.out.printf(
        "%nTickcast is ready in %.1f s%n"
            + "  admin key    export TICKCAST_KEY=%s%n"
            + "  dashboard    %s/%n"
            + "  tickers      curl -H \"Authorization: Bearer $TICKCAST_KEY\" %s/api/v1/tickers%n"
            + "  prediction   curl -H \"Authorization: Bearer $TICKCAST_KEY\" %s/api/v1/tickers/AAPL/prediction%n"
            + "  live stream  curl -N -H \"Authorization: Bearer $TICKCAST_KEY\" %s/api/v1/stream%n"
            + "  models       curl -H \"Authorization: Bearer $TICKCAST_KEY\" %s/api/v1/models%n"
            + "  readiness    http://%s:%d/ready%n"
            + "  metrics      http://%s:%d/metrics%n"
            + "  Cassandra %s, Kafka %s, data and logs in %s%n"
            + "Replaying %s; Ctrl-C stops everything.%n%n",
        seconds, adminKey, http, http, http, http, http,
        config.getString("pekko.management.http.hostname"), managementPort,
        config.getString("kamon.prometheus.embedded-server.hostname"), config.getInt("kamon.prometheus.embedded-server.port"),
        infra.cassandraContactPoint(), infra.kafkaBootstrapServers(), dir,
        dailyReplay.sources());

    NodeStatus.get(system).httpWarmUp.thenAccept(result -> System.out.println("HTTP warm-up done: " + result + "."));
    KafkaReplay.run(system, dailyReplay, infra.kafkaBootstrapServers(), topic)
        .whenComplete(
            (result, failure) -> {
              Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
              if (cause instanceof AbruptTerminationException) {
                System.out.println("Replay stopped: the node is shutting down.");
              } else if (cause != null) {
                System.err.println("Replay failed: " + cause.getMessage());
              } else {
                System.out.println("Replay done: " + ReplayCommand.describe(result) + ". The node keeps running.");
              }
            });
    system.getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
