package io.tickcast.node;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
    Config config = NodeConfig.load(Map.of());
    String bootstrap = kafka != null ? kafka : config.getString("tickcast.kafka.bootstrap-servers");
    String topic = config.getString("tickcast.ingest.topic");
    DailyReplay.Settings settings = replay.toSettings(bootstrap, topic);
    KafkaTopics.ensure(bootstrap, config.getInt("tickcast.kafka.partitions"), topic);
    // A plain local actor system: the replay is a producer, not a cluster member.
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "tickcast-replay", config.withValue("pekko.actor.provider", com.typesafe.config.ConfigValueFactory.fromAnyRef("local")));
    try {
      DailyReplay.Result result = DailyReplay.run(system, settings).toCompletableFuture().get();
      System.out.printf(
          "Replayed %d bars of %d tickers to %s (skipped: %d unreadable lines, %d files)%n",
          result.bars(), result.tickers(), topic, result.badLines(), result.badFiles());
      return 0;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }
}
