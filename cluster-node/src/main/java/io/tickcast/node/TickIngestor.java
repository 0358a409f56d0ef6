package io.tickcast.node;

import io.tickcast.actors.TickerEntity;
import io.tickcast.actors.TickerEntity.Ack;
import io.tickcast.actors.TickerEntity.Outcome;
import io.tickcast.actors.TickerEntity.SourcePosition;
import io.tickcast.actors.TickerEntity.Sourced;
import io.tickcast.features.validation.BarValidator;
import io.tickcast.features.validation.Violation;
import io.tickcast.node.PartitionProgress.Handled;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.MalformedRecordException;
import io.tickcast.protocols.MarketEvent;
import io.tickcast.protocols.MarketEventCodec;
import io.tickcast.protocols.Tickers;
import io.tickcast.protocols.Trade;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * Reads market events from Kafka and hands them to their {@link TickerEntity}s in batches: the
 * records read at once are grouped by ticker (source order kept) and each ticker's group goes to
 * its entity as one {@link TickerEntity.ApplyEvents}, all tickers in parallel; the next batch
 * starts when every entity answered, so each entity sees its records in offset order.
 *
 * <p>An offset is committed only when everything up to it is durable: whole bars are durable once
 * the entity answers; trades once the bar they belong to is persisted, so the commit position
 * stays below every ticker's in-memory trades ({@link PartitionProgress}). Records that cannot be
 * read or are refused (validation, lateness, session) go to the quarantine topic with their reason
 * and are counted; the stream goes on.
 */
public final class TickIngestor {

  private static final Logger log = LoggerFactory.getLogger(TickIngestor.class);

  /**
   * @param quarantineTopic receives every refused record, bytes unchanged, reason in headers
   * @param maxBatch records handed to the entities at most at once
   * @param maxBatchDelay how long a batch may wait to fill up
   */
  public record Settings(
      String bootstrapServers,
      String topic,
      String quarantineTopic,
      String groupId,
      int maxBatch,
      Duration maxBatchDelay,
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
  private final org.apache.pekko.actor.ActorRef rebalanceListener;

  /** @param rebalanceListener told of partition assignments ({@link KafkaShardAlignment}) */
  public TickIngestor(
      ActorSystem<?> system, Settings settings, IngestStats stats, org.apache.pekko.actor.ActorRef rebalanceListener) {
    this.system = system;
    this.settings = settings;
    this.stats = stats;
    this.rebalanceListener = rebalanceListener;
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
              return Consumer.committableSource(
                      consumerSettings, Subscriptions.topics(settings.topic()).withRebalanceListener(rebalanceListener))
                  .groupedWithin(settings.maxBatch(), settings.maxBatchDelay())
                  // Decoding (the costliest per-record step) runs ahead on other threads while
                  // the entities take the batch before; batches still reach them in order.
                  .mapAsync(DECODE_AHEAD, batch -> CompletableFuture.supplyAsync(() -> decode(batch), system.executionContext()))
                  .mapAsync(1, decoded -> handle(decoded, progress).thenCompose(progress::after))
                  .mapConcat(committable -> committable)
                  .via(Committer.flow(committerSettings));
            })
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.left())
        .run(system);
  }

  /** Batches decoded ahead of the one the entities are taking. */
  private static final int DECODE_AHEAD = 2;

  /** A record read well enough to know its ticker. */
  private record Readable(CommittableMessage<String, byte[]> msg, MarketEvent event, Instant eventTime) {}

  /** A refused record and why. */
  private record Refused(CommittableMessage<String, byte[]> msg, Violation violation) {}

  /** A batch decoded: records per ticker in source order, and the records no entity may take. */
  private record Decoded(int size, Map<String, List<Readable>> byTicker, List<Refused> refused) {}

  private static Decoded decode(List<CommittableMessage<String, byte[]>> batch) {
    Map<String, List<Readable>> byTicker = new LinkedHashMap<>();
    List<Refused> refused = new ArrayList<>();
    for (CommittableMessage<String, byte[]> msg : batch) {
      Object read = read(msg);
      if (read instanceof Readable r) {
        byTicker.computeIfAbsent(r.event().ticker(), t -> new ArrayList<>()).add(r);
      } else {
        refused.add(new Refused(msg, (Violation) read));
      }
    }
    return new Decoded(batch.size(), byTicker, refused);
  }

  private CompletionStage<List<Handled<CommittableOffset>>> handle(
      Decoded batch, PartitionProgress<CommittableOffset> progress) {
    List<CompletableFuture<List<Handled<CommittableOffset>>>> parts = new ArrayList<>();
    for (Refused r : batch.refused()) {
      // Refused before reaching an entity: quarantined with the reason.
      parts.add(
          quarantine(r.msg(), null, -1, null, r.violation().rule(), r.violation().detail()).thenApply(List::of).toCompletableFuture());
    }
    batch.byTicker().forEach((ticker, records) -> parts.add(apply(ticker, records, progress).toCompletableFuture()));
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Handled<CommittableOffset>> handled = new ArrayList<>(batch.size());
              parts.forEach(part -> handled.addAll(part.join()));
              // Back in source order, so commits follow offsets.
              handled.sort(PartitionProgress.SOURCE_ORDER);
              return handled;
            });
  }

  private CompletionStage<List<Handled<CommittableOffset>>> apply(
      String ticker, List<Readable> records, PartitionProgress<CommittableOffset> progress) {
    List<Sourced> events = new ArrayList<>(records.size());
    Instant firstEventTime = null;
    for (Readable r : records) {
      ConsumerRecord<String, byte[]> record = r.msg().record();
      events.add(new Sourced(r.event(), new SourcePosition(record.partition(), record.offset())));
      if (firstEventTime == null) {
        firstEventTime = r.eventTime();
      }
    }
    // The feed clock as of the batches before this one: a trade is stale only when the rest of
    // the feed was already well past it, not because later trades share its batch.
    int partition = records.get(0).msg().record().partition();
    Instant clock = firstEventTime == null ? Instant.EPOCH : progress.clock(partition, firstEventTime);
    CompletionStage<Ack> ack =
        sharding
            .entityRefFor(TickerEntity.ENTITY_KEY, ticker)
            .ask(replyTo -> new TickerEntity.ApplyEvents(events, clock, replyTo), settings.askTimeout());
    return ack.thenCompose(
        reply -> {
          List<Handled<CommittableOffset>> handled = new ArrayList<>(records.size());
          List<CompletableFuture<Handled<CommittableOffset>>> quarantined = new ArrayList<>();
          long applied = 0;
          for (int i = 0; i < records.size(); i++) {
            Readable r = records.get(i);
            Outcome outcome = reply.outcomes().get(i);
            if (outcome instanceof TickerEntity.Rejected rejected) {
              quarantined.add(
                  quarantine(r.msg(), ticker, reply.openFrom(), r.eventTime(), rejected.rule(), rejected.reason()).toCompletableFuture());
              continue;
            }
            if (outcome instanceof TickerEntity.Applied) {
              applied++;
            }
            ConsumerRecord<String, byte[]> record = r.msg().record();
            handled.add(new Handled<>(record.partition(), record.offset(), ticker, reply.openFrom(), r.eventTime(), r.msg().committableOffset()));
          }
          stats.applied(applied);
          stats.duplicates(records.size() - quarantined.size() - applied);
          if (quarantined.isEmpty()) {
            return CompletableFuture.completedFuture(handled);
          }
          return CompletableFuture.allOf(quarantined.toArray(CompletableFuture[]::new))
              .thenApply(
                  done -> {
                    quarantined.forEach(q -> handled.add(q.join()));
                    return handled;
                  });
        });
  }

  /**
   * Decodes a record once: a {@link Readable} for its ticker's entity, or the {@link Violation}
   * that keeps it from any entity (unreadable, or failing a record-level rule).
   */
  private static Object read(CommittableMessage<String, byte[]> msg) {
    ConsumerRecord<String, byte[]> record = msg.record();
    MarketEvent event;
    try {
      event = MarketEventCodec.decode(record.value());
    } catch (MalformedRecordException e) {
      return new Violation("malformed", e.getMessage());
    }
    if (record.key() != null && !record.key().equals(event.ticker())) {
      return new Violation("key-mismatch", "key " + record.key() + " but ticker " + event.ticker());
    }
    if (event instanceof Bar bar) {
      Optional<Violation> violation = BarValidator.validate(bar);
      return violation.isPresent() ? violation.get() : new Readable(msg, bar, null);
    }
    Trade trade = (Trade) event;
    if (trade.time() == null || !Tickers.isValid(trade.ticker())) {
      // No entity to ask; the ticker's TradeGuard checks the rest.
      return new Violation(trade.time() == null ? "schema" : "ticker-format", "unusable trade " + trade);
    }
    return new Readable(msg, trade, trade.time());
  }

  private CompletionStage<Ack> advanceWatermark(String ticker, Instant watermark) {
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
