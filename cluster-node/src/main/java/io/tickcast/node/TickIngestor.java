package io.tickcast.node;

import io.tickcast.actors.TickerEntity;
import io.tickcast.actors.TickerEntity.ApplyResult;
import io.tickcast.actors.TickerEntity.SourcePosition;
import io.tickcast.features.validation.BarValidator;
import io.tickcast.features.validation.Violation;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.MalformedRecordException;
import io.tickcast.protocols.MarketEvent;
import io.tickcast.protocols.MarketEventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.SendProducer;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads market events from Kafka and hands each to its {@link TickerEntity}. A record's offset is
 * committed only after the entity answered, i.e. after the bar is durable in the journal (or was
 * already covered by it); records that cannot be read or fail validation are logged, counted and
 * sent to the quarantine topic with their reason, so one bad record never stops the stream. Per ticker, one record is in flight at a
 * time, so bars reach their entity in offset order; tickers proceed in parallel.
 */
public final class TickIngestor {

  private static final Logger log = LoggerFactory.getLogger(TickIngestor.class);

  /** {@code quarantineTopic} receives every refused record, bytes unchanged, reason in headers. */
  public record Settings(
      String bootstrapServers,
      String topic,
      String quarantineTopic,
      String groupId,
      int parallelism,
      Duration askTimeout) {}

  /** Headers of a quarantined record. */
  public static final String RULE_HEADER = "tickcast-rule";
  public static final String DETAIL_HEADER = "tickcast-detail";
  public static final String SOURCE_HEADER = "tickcast-source";

  private final ActorSystem<?> system;
  private final Settings settings;
  private final IngestStats stats;
  private final ClusterSharding sharding;
  private final SendProducer<String, byte[]> quarantine;

  public TickIngestor(ActorSystem<?> system, Settings settings, IngestStats stats) {
    this.system = system;
    this.settings = settings;
    this.stats = stats;
    this.sharding = ClusterSharding.get(system);
    this.quarantine =
        new SendProducer<>(
            ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer())
                .withBootstrapServers(settings.bootstrapServers()),
            system);
  }

  /**
   * Runs until the returned kill switch is shut down; a failure (Kafka unreachable, an entity
   * that does not answer) restarts the consumer with backoff from the last committed offset.
   */
  public UniqueKillSwitch start() {
    ConsumerSettings<String, byte[]> consumerSettings =
        ConsumerSettings.create(system, new StringDeserializer(), new ByteArrayDeserializer())
            .withBootstrapServers(settings.bootstrapServers())
            .withGroupId(settings.groupId())
            .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    CommitterSettings committerSettings = CommitterSettings.create(system);
    RestartSettings restart = RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);

    return RestartSource.onFailuresWithBackoff(
            restart,
            () ->
                Consumer.committableSource(consumerSettings, Subscriptions.topics(settings.topic()))
                    .mapAsyncPartitioned(
                        settings.parallelism(),
                        msg -> msg.record().key() == null ? "" : msg.record().key(),
                        (msg, key) -> handle(msg))
                    .via(Committer.flow(committerSettings)))
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.left())
        .run(system);
  }

  private CompletionStage<CommittableOffset> handle(CommittableMessage<String, byte[]> msg) {
    ConsumerRecord<String, byte[]> record = msg.record();
    CommittableOffset offset = msg.committableOffset();
    Bar bar;
    try {
      MarketEvent event = MarketEventCodec.decode(record.value());
      if (!(event instanceof Bar b)) {
        return skip(offset, record, "unsupported-type", "type " + event.getClass().getSimpleName());
      }
      bar = b;
    } catch (MalformedRecordException e) {
      return skip(offset, record, "malformed", e.getMessage());
    }
    Optional<Violation> violation = BarValidator.validate(bar);
    if (violation.isPresent()) {
      return skip(offset, record, violation.get().rule(), violation.get().detail());
    }
    if (record.key() != null && !record.key().equals(bar.ticker())) {
      return skip(offset, record, "key-mismatch", "key " + record.key() + " but ticker " + bar.ticker());
    }
    SourcePosition position = new SourcePosition(record.partition(), record.offset());
    CompletionStage<ApplyResult> reply =
        sharding
            .entityRefFor(TickerEntity.ENTITY_KEY, bar.ticker())
            .ask(replyTo -> new TickerEntity.ApplyBar(bar, position, replyTo), settings.askTimeout());
    return reply.thenApply(
        result -> {
          if (result instanceof TickerEntity.Applied) {
            stats.applied();
          } else if (result instanceof TickerEntity.Duplicate) {
            stats.duplicate();
          } else if (result instanceof TickerEntity.Rejected r) {
            stats.rejected("entity-rejected");
            log.warn("Record {}-{}@{} rejected by entity: {}", record.topic(), record.partition(), record.offset(), r.reason());
          }
          return offset;
        });
  }

  /**
   * Sends a refused record to the quarantine topic with its reason; the offset is committable only
   * once the quarantine write is acknowledged, so a refused record is never lost either.
   */
  private CompletionStage<CommittableOffset> skip(
      CommittableOffset offset, ConsumerRecord<String, byte[]> record, String rule, String detail) {
    stats.rejected(rule);
    String source = record.topic() + "-" + record.partition() + "@" + record.offset();
    log.warn("Quarantining record {} (key {}): {}: {}", source, record.key(), rule, detail);
    ProducerRecord<String, byte[]> quarantined =
        new ProducerRecord<>(settings.quarantineTopic(), record.key(), record.value());
    quarantined.headers().add(RULE_HEADER, rule.getBytes(StandardCharsets.UTF_8));
    quarantined.headers().add(DETAIL_HEADER, detail.getBytes(StandardCharsets.UTF_8));
    quarantined.headers().add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
    return quarantine.send(quarantined).thenApply(metadata -> offset);
  }

  /** Flushes and closes the quarantine producer; call after the consumer stopped. */
  public CompletionStage<Done> close() {
    return quarantine.close();
  }
}
