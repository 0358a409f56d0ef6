package io.tickcast.ingest;

import io.tickcast.protocols.MarketEvent;
import io.tickcast.protocols.MarketEventCodec;
import io.tickcast.protocols.WireFormat;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.javadsl.Producer;

/**
 * Plays a {@link Replay} into a Kafka topic in the wire format of {@code ticks}: key = ticker
 * (so one ticker's events stay in one partition, in order), value = the event encoded by {@link
 * MarketEventCodec} in the chosen {@link WireFormat} ({@link WireFormat#DEFAULT binary} unless
 * told otherwise; consumers read both). Producer settings come from the system's {@code
 * pekko.kafka.producer} configuration.
 */
public final class KafkaReplay {

  private KafkaReplay() {}

  /** Plays the replay in the {@link WireFormat#DEFAULT default} wire format. */
  public static <E extends MarketEvent> CompletionStage<ReplayResult> run(
      ActorSystem<?> system, Replay<E> replay, String bootstrapServers, String topic) {
    return run(system, replay, bootstrapServers, topic, WireFormat.DEFAULT);
  }

  /** Completes when every event is acknowledged, with counts of what was produced and left out. */
  public static <E extends MarketEvent> CompletionStage<ReplayResult> run(
      ActorSystem<?> system, Replay<E> replay, String bootstrapServers, String topic, WireFormat format) {
    ProducerSettings<String, byte[]> settings =
        ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer())
            .withBootstrapServers(bootstrapServers);
    ReplayTally tally = new ReplayTally();
    return replay
        .source(tally)
        .map(event -> ProducerMessage.single(record(topic, event, format), event))
        .via(Producer.flexiFlow(settings))
        .runForeach(results -> tally.produced(results.passThrough()), system)
        .thenApply(done -> tally.result());
  }

  /** The record of {@code event} in the {@link WireFormat#DEFAULT default} wire format. */
  public static ProducerRecord<String, byte[]> record(String topic, MarketEvent event) {
    return record(topic, event, WireFormat.DEFAULT);
  }

  public static ProducerRecord<String, byte[]> record(String topic, MarketEvent event, WireFormat format) {
    return new ProducerRecord<>(topic, event.ticker(), MarketEventCodec.encode(event, format));
  }
}
