package io.tickcast.node;

import io.tickcast.ingest.KafkaReplay;
import io.tickcast.ingest.Replay;
import io.tickcast.ingest.ReplayResult;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true, description = "Produce real daily bars to the Kafka topic 'ticks'.")
final class ReplayCommand implements Callable<Integer> {

  @Mixin ReplayOptions replay;

  @Option(names = "--kafka", description = "Kafka bootstrap servers (default: tickcast.kafka.bootstrap-servers / $TICKCAST_KAFKA).")
  String kafka;

  @Override
  public Integer call() throws Exception {
    return produce(replay.toReplay(), kafka);
  }

  /** Runs a replay into the configured ticks topic (created if missing) and prints its counts. */
  static int produce(Replay<?> replay, String kafkaOverride) throws Exception {
    var config = NodeConfig.load(Map.of());
    String bootstrap = kafkaOverride != null ? kafkaOverride : config.getString("tickcast.kafka.bootstrap-servers");
    String topic = config.getString("tickcast.ingest.topic");
    KafkaTopics.ensure(bootstrap, config.getInt("tickcast.kafka.partitions"), topic);
    try (var producer = ProducerSystem.start(config)) {
      ReplayResult result = KafkaReplay.run(producer.system(), replay, bootstrap, topic).toCompletableFuture().get();
      System.out.println("Replayed to " + topic + ": " + describe(result));
      return 0;
    }
  }

  static String describe(ReplayResult result) {
    return String.format(
        "%d records of %d tickers (left out: %s; unreadable: %d lines, %d files)",
        result.produced(), result.tickers(), result.filtered(), result.badLines(), result.badFiles());
  }
}
