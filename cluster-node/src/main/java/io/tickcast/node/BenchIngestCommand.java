package io.tickcast.node;

import com.typesafe.config.Config;
import io.tickcast.devinfra.DevInfra;
import io.tickcast.ingest.KafkaReplay;
import io.tickcast.ingest.Pacing;
import io.tickcast.ingest.ReplayResult;
import io.tickcast.ingest.TickFile;
import io.tickcast.ingest.TickReplay;
import io.tickcast.ingest.TradingSession;
import io.tickcast.persistence.CassandraSchema;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.MarketEventCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end ingest benchmark on this machine: one real day of trade prints in Kafka, read once by
 * a plain Kafka consumer (the baseline) and once by a Tickcast node (decode, validate, bars,
 * indicators, journal writes, commits), in the same run against the same broker. The ratio of the
 * two rates is the figure that counts; absolute rates depend on the machine.
 */
@Command(
    name = "bench-ingest",
    mixinStandardHelpOptions = true,
    description = "Measure trades/s through the node against a plain Kafka consumer (starts its own Cassandra and Kafka).")
final class BenchIngestCommand implements Callable<Integer> {

  @Option(names = "--ticks", description = "Tick files directory. Default: ${DEFAULT-VALUE}", defaultValue = "../shared/data/intraday/tick")
  Path ticks;

  @Option(names = "--tickers", split = ",", description = "Default: ${DEFAULT-VALUE}", defaultValue = "SPY")
  Set<String> tickers;

  @Option(names = "--from", description = "First day. Default: ${DEFAULT-VALUE}", defaultValue = "2013-10-07")
  LocalDate from;

  @Option(names = "--to", description = "Last day. Default: ${DEFAULT-VALUE}", defaultValue = "2013-10-07")
  LocalDate to;

  @Option(names = "--partitions", description = "Default: ${DEFAULT-VALUE}", defaultValue = "4")
  int partitions;

  @Option(names = "--work-dir", description = "Default: ${DEFAULT-VALUE}", defaultValue = "target/bench-infra")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    List<TickFile> files = TickFile.find(List.of(ProjectPaths.resolve(ticks)), tickers, from, to);
    if (files.isEmpty()) {
      throw new UserError("no tick files for " + tickers + " " + from + ".." + to + " in " + ProjectPaths.resolve(ticks));
    }
    DevInfra.Settings infraSettings =
        DevInfra.Settings.defaults(ProjectPaths.home(), ProjectPaths.resolve(workDir)).withPorts(19242, 19292, 19293);
    DevInfra.deleteWorkDir(infraSettings);
    try (DevInfra infra = DevInfra.start(infraSettings)) {
      String topic = "bench-ticks";
      Config config =
          NodeConfig.load(
              Map.of(
                  "tickcast.cassandra.contact-point", infra.cassandraContactPoint(),
                  "tickcast.cassandra.keyspace", "bench",
                  "tickcast.kafka.bootstrap-servers", infra.kafkaBootstrapServers(),
                  "tickcast.ingest.topic", topic,
                  "tickcast.metrics.enabled", false,
                  "tickcast.http.port", 0,
                  "pekko.management.http.port", 0,
                  "pekko.remote.artery.canonical.port", 0));
      SchemaCommand.apply(infra.cassandraContactPoint(), "datacenter1", "bench", CassandraSchema.DEV_REPLICATION);
      KafkaTopics.ensure(infra.kafkaBootstrapServers(), partitions, topic, topic + ".quarantine");

      long produced;
      try (ProducerSystem producer = ProducerSystem.start(config)) {
        long t0 = System.nanoTime();
        ReplayResult result =
            KafkaReplay.run(producer.system(), new TickReplay(files, TradingSession.REGULAR, Pacing.UNPACED), infra.kafkaBootstrapServers(), topic)
                .toCompletableFuture()
                .get(30, TimeUnit.MINUTES);
        produced = result.produced();
        report("produce (replay -> Kafka)", produced, System.nanoTime() - t0);

        double plainRate = plainConsumer(producer.system(), infra.kafkaBootstrapServers(), topic, produced, false);
        double decodingRate = plainConsumer(producer.system(), infra.kafkaBootstrapServers(), topic, produced, true);
        double nodeRate = throughNode(config, produced);
        System.out.printf("ratio node / plain consumer: %.3f%n", nodeRate / plainRate);
        System.out.printf("ratio node / plain consumer that also decodes the JSON: %.3f%n", nodeRate / decodingRate);
      }
    }
    return 0;
  }

  /**
   * Reads every record once with a plain consumer in a fresh group, decoding the JSON too when
   * {@code decode}; returns records/s.
   */
  private static double plainConsumer(ActorSystem<?> system, String bootstrap, String topic, long records, boolean decode)
      throws Exception {
    ConsumerSettings<String, byte[]> settings =
        ConsumerSettings.create(system, new StringDeserializer(), new ByteArrayDeserializer())
            .withBootstrapServers(bootstrap)
            .withGroupId("bench-plain-" + UUID.randomUUID())
            .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    long t0 = System.nanoTime();
    long[] first = new long[1];
    Consumer.plainSource(settings, Subscriptions.topics(topic))
        .map(r -> {
          if (first[0] == 0) {
            first[0] = System.nanoTime();
          }
          return r;
        })
        .take(records)
        .runForeach(
            r -> {
              if (decode) {
                MarketEventCodec.decode(r.value());
              }
            },
            system)
        .toCompletableFuture()
        .get(30, TimeUnit.MINUTES);
    long elapsed = System.nanoTime() - first[0];
    report(decode ? "plain Kafka consumer + JSON decoding" : "plain Kafka consumer", records, elapsed);
    System.out.printf("  (including group join: %.1f s)%n", (System.nanoTime() - t0) / 1e9);
    return records / (elapsed / 1e9);
  }

  /** Starts a node on the topic and times it from its first handled record to the last. */
  private static double throughNode(Config config, long records) throws Exception {
    ActorSystem<Void> system = Node.start(config);
    try {
      NodeStatus.get(system).httpPort.get(2, TimeUnit.MINUTES); // the node is wired
      IngestStats stats = NodeStatus.get(system).ingestStats();
      long first = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (handled(stats.snapshot()) < records && System.nanoTime() < deadline) {
        if (first == 0 && handled(stats.snapshot()) > 0) {
          first = System.nanoTime();
        }
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
      long elapsed = System.nanoTime() - first;
      IngestCounts counts = stats.snapshot();
      report("Tickcast node (entities, journal, commits)", handled(counts), elapsed);
      System.out.printf("  applied %d, duplicates %d, refused %s%n", counts.applied(), counts.duplicates(), counts.rejected());
      return handled(counts) / (elapsed / 1e9);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }

  private static long handled(IngestCounts counts) {
    return counts.applied() + counts.duplicates() + counts.rejected().values().stream().mapToLong(Long::longValue).sum();
  }

  private static void report(String what, long records, long nanos) {
    System.out.printf("%-45s %,10d records in %6.2f s = %,10.0f records/s%n", what, records, nanos / 1e9, records / (nanos / 1e9));
  }
}
