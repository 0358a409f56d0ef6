package io.tickcast.node;

import io.tickcast.ingest.KafkaReplay;
import io.tickcast.ingest.Replay;
import io.tickcast.ingest.ReplayResult;
import io.tickcast.protocols.WireFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

@Command(name = "replay", mixinStandardHelpOptions = true, description = "Produce real daily bars to the Kafka topic 'ticks'.")
final class ReplayCommand implements Callable<Integer> {

  @Mixin ReplayOptions replay;

  @Option(names = "--kafka", description = "Kafka bootstrap servers (default: tickcast.kafka.bootstrap-servers / $TICKCAST_KAFKA).")
  String kafka;

  @Option(names = "--wire-format", description = WIRE_FORMAT_HELP, defaultValue = "binary", converter = WireFormatConverter.class)
  WireFormat wireFormat;

  /** Help of the {@code --wire-format} options. */
  static final String WIRE_FORMAT_HELP =
      "Record values: binary (compact, fast to decode) or json (readable with any tool). Nodes read both. "
          + "Default: ${DEFAULT-VALUE}";

  /** Reads {@code json} / {@code binary}, any case. */
  static final class WireFormatConverter implements ITypeConverter<WireFormat> {
    @Override
    public WireFormat convert(String value) {
      try {
        return WireFormat.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    return produce(replay.toReplay(), kafka, wireFormat);
  }

  /** Runs a replay into the configured ticks topic (created if missing) and prints its counts. */
  static int produce(Replay<?> replay, String kafkaOverride, WireFormat format) throws Exception {
    var config = NodeConfig.load(Map.of());
    String bootstrap = kafkaOverride != null ? kafkaOverride : config.getString("tickcast.kafka.bootstrap-servers");
    String topic = config.getString("tickcast.ingest.topic");
    KafkaTopics.ensure(bootstrap, config.getInt("tickcast.kafka.partitions"), topic);
    try (var producer = ProducerSystem.start(config)) {
      ReplayResult result = KafkaReplay.run(producer.system(), replay, bootstrap, topic, format).toCompletableFuture().get();
      System.out.println("Replayed to " + topic + " (" + format + "): " + describe(result));
      return 0;
    }
  }

  static String describe(ReplayResult result) {
    return String.format(
        "%d records of %d tickers (left out: %s; unreadable: %d lines, %d files)",
        result.produced(), result.tickers(), result.filtered(), result.badLines(), result.badFiles());
  }
}
