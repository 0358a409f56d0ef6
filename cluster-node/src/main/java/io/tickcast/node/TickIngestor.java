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
import io.tickcast.node.PartitionProgress.Handled;
import io.tickcast.protocols.Trade;
import io.tickcast.protocols.Tickers;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
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
 * Reads market events from Kafka and hands each to its {@link TickerEntity}, one record per ticker
 * in flight (so each entity sees its records in offset order; tickers proceed in parallel).
 *
 * <p>An offset is committed only when everything up to it is durable: whole bars are durable once
 * the entity answers; trades are durable once the bar they belong to is persisted, so the commit
 * position stays below every ticker's in-memory trades ({@link PartitionProgress}). Records that
 * cannot be read or are refused (validation, lateness, session) go to the quarantine topic with
 * their reason and are counted; the stream goes on.
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
      Duration askTimeout,
      Duration barInterval,
      Duration allowedLateness) {}

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
            () -> {
              // Fresh per (re)start: after a restart Kafka delivers again from the committed offsets.
              PartitionProgress<CommittableOffset> progress =
                  new PartitionProgress<>(settings.barInterval(), settings.allowedLateness(), this::advanceWatermark);
              return Consumer.committableSource(consumerSettings, Subscriptions.topics(settings.topic()))
                  .mapAsyncPartitioned(
                      settings.parallelism(),
                      msg -> msg.record().key() == null ? "" : msg.record().key(),
                      (msg, key) -> handle(msg, progress))
                  .mapAsync(1, progress::after)
                  .mapConcat(committable -> committable.map(List::of).orElse(List.of()))
                  .via(Committer.flow(committerSettings));
            })
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.left())
        .run(system);
  }

  private CompletionStage<Handled<CommittableOffset>> handle(
      CommittableMessage<String, byte[]> msg, PartitionProgress<CommittableOffset> progress) {
    ConsumerRecord<String, byte[]> record = msg.record();
    MarketEvent event;
    try {
      event = MarketEventCodec.decode(record.value());
    } catch (MalformedRecordException e) {
      return quarantine(msg, null, -1, null, "malformed", e.getMessage());
    }
    if (record.key() != null && !record.key().equals(event.ticker())) {
      return quarantine(msg, null, -1, null, "key-mismatch", "key " + record.key() + " but ticker " + event.ticker());
    }
    SourcePosition position = new SourcePosition(record.partition(), record.offset());
    EntityRef<TickerEntity.Command> entity;
    Instant eventTime;
    CompletionStage<ApplyResult> reply;
    if (event instanceof Bar bar) {
      Optional<Violation> violation = BarValidator.validate(bar);
      if (violation.isPresent()) {
        return quarantine(msg, null, -1, null, violation.get().rule(), violation.get().detail());
      }
      entity = sharding.entityRefFor(TickerEntity.ENTITY_KEY, bar.ticker());
      eventTime = null;
      reply = entity.ask(replyTo -> new TickerEntity.ApplyBar(bar, position, replyTo), settings.askTimeout());
    } else if (event instanceof Trade trade) {
      if (!Tickers.isValid(trade.ticker()) || trade.time() == null) {
        // Not a ticker (or no time): no entity to ask; TradeGuard has the rest of the rules.
        return quarantine(msg, null, -1, null, trade.time() == null ? "schema" : "ticker-format", "unusable trade " + trade);
      }
      entity = sharding.entityRefFor(TickerEntity.ENTITY_KEY, trade.ticker());
      eventTime = trade.time();
      Instant clock = progress.clock(record.partition(), trade.time());
      reply = entity.ask(replyTo -> new TickerEntity.ApplyTrade(trade, position, clock, replyTo), settings.askTimeout());
    } else {
      return quarantine(msg, null, -1, null, "unsupported-type", event.getClass().getSimpleName());
    }
    return reply.thenCompose(
        result -> {
          if (result instanceof TickerEntity.Rejected r) {
            return quarantine(msg, event.ticker(), r.openFrom(), eventTime, r.rule(), r.reason());
          }
          if (result instanceof TickerEntity.Applied) {
            stats.applied();
          } else {
            stats.duplicate();
          }
          return CompletableFuture.completedFuture(
              new Handled<>(record.partition(), record.offset(), event.ticker(), result.openFrom(), eventTime, msg.committableOffset()));
        });
  }

  private CompletionStage<ApplyResult> advanceWatermark(String ticker, Instant watermark) {
    return sharding
        .entityRefFor(TickerEntity.ENTITY_KEY, ticker)
        .ask(replyTo -> new TickerEntity.AdvanceWatermark(watermark, replyTo), settings.askTimeout());
  }

  /** Sends a refused record to the quarantine topic, bytes unchanged, with its reason. */
  private CompletionStage<Handled<CommittableOffset>> quarantine(
      CommittableMessage<String, byte[]> msg, String ticker, long openFrom, Instant eventTime, String rule, String detail) {
    ConsumerRecord<String, byte[]> record = msg.record();
    stats.rejected(rule);
    String source = record.topic() + "-" + record.partition() + "@" + record.offset();
    log.warn("Quarantining record {} (key {}): {}: {}", source, record.key(), rule, detail);
    ProducerRecord<String, byte[]> quarantined =
        new ProducerRecord<>(settings.quarantineTopic(), record.key(), record.value());
    quarantined.headers().add(RULE_HEADER, rule.getBytes(StandardCharsets.UTF_8));
    quarantined.headers().add(DETAIL_HEADER, detail.getBytes(StandardCharsets.UTF_8));
    quarantined.headers().add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
    // Committable only once the quarantine write is acknowledged: a refused record is never lost.
    return quarantine
        .send(quarantined)
        .thenApply(
            metadata -> new Handled<>(record.partition(), record.offset(), ticker, openFrom, eventTime, msg.committableOffset()));
  }

  /** Flushes and closes the quarantine producer; call after the consumer stopped. */
  public CompletionStage<Done> close() {
    return quarantine.close();
  }
}
