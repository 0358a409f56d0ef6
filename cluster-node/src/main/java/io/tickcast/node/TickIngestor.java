package io.tickcast.node;

import io.tickcast.actors.TickerEntity;
import io.tickcast.actors.TickerEntity.Ack;
import io.tickcast.actors.TickerEntity.Outcome;
import io.tickcast.actors.TickerEntity.SourcePosition;
import io.tickcast.actors.TickerEntity.Sourced;
import io.tickcast.features.validation.BarValidator;
import io.tickcast.features.validation.Violation;
import io.tickcast.node.PartitionProgress.TickerState;
import io.tickcast.protocols.AsciiStrings;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.MalformedRecordException;
import io.tickcast.protocols.MarketEvent;
import io.tickcast.protocols.MarketEventCodec;
import io.tickcast.protocols.Tickers;
import io.tickcast.protocols.Trade;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
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
        ConsumerSettings.create(system, new TickerKeyDeserializer(), new ByteArrayDeserializer())
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
                  // Decoding and grouping run ahead on other threads while the entities take the
                  // batch before; batches still reach them in order. What runs after the entities
                  // answer is per ticker and per partition, not per record (PartitionProgress).
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

  /**
   * Record keys (tickers) as strings, straight from the fetched bytes without copying them, one
   * cached {@link String} per ticker ({@link AsciiStrings}): a key is read on the consumer's one
   * polling thread for every record. Keys that are not ASCII are decoded as UTF-8.
   */
  static final class TickerKeyDeserializer implements Deserializer<String> {
    @Override
    public String deserialize(String topic, byte[] data) {
      if (data == null) {
        return null;
      }
      return AsciiStrings.isAscii(data, 0, data.length)
          ? AsciiStrings.of(data, 0, data.length)
          : new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String deserialize(String topic, Headers headers, ByteBuffer data) {
      if (data == null) {
        return null;
      }
      if (!data.hasArray()) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return deserialize(topic, bytes);
      }
      byte[] array = data.array();
      int from = data.arrayOffset() + data.position();
      int length = data.remaining();
      return AsciiStrings.isAscii(array, from, length)
          ? AsciiStrings.of(array, from, length)
          : new String(array, from, length, StandardCharsets.UTF_8);
    }
  }

  /** A refused record and why. */
  private record Refused(CommittableMessage<String, byte[]> msg, Violation violation) {}

  /**
   * One ticker's records of a batch in source order, built while decoding: the events as its
   * entity takes them, and what the stream needs of them afterwards.
   */
  private static final class TickerRecords {
    final String ticker;
    /** The partition of the first record; others only when keyless records spread the ticker. */
    final int partition;
    Set<Integer> otherPartitions;
    final List<Sourced> events = new ArrayList<>();
    final List<CommittableMessage<String, byte[]>> messages = new ArrayList<>();
    Instant firstTradeTime;

    TickerRecords(String ticker, int partition) {
      this.ticker = ticker;
      this.partition = partition;
    }

    void add(CommittableMessage<String, byte[]> msg, MarketEvent event, Instant tradeTime) {
      ConsumerRecord<String, byte[]> record = msg.record();
      if (record.partition() != partition) {
        if (otherPartitions == null) {
          otherPartitions = new HashSet<>();
        }
        otherPartitions.add(record.partition());
      }
      events.add(new Sourced(event, new SourcePosition(record.partition(), record.offset())));
      messages.add(msg);
      if (firstTradeTime == null) {
        firstTradeTime = tradeTime;
      }
    }
  }

  /**
   * A batch decoded: records per ticker in source order, the records no entity may take, per
   * record (in the order Kafka delivered them) where it came from, and per partition the latest
   * trade time (epoch milliseconds).
   */
  private record Decoded(
      Map<String, TickerRecords> byTicker,
      List<Refused> refused,
      int[] partitions,
      long[] offsets,
      List<CommittableOffset> committables,
      Map<Integer, Long> latestTrade) {}

  private static Decoded decode(List<CommittableMessage<String, byte[]>> batch) {
    int n = batch.size();
    Map<String, TickerRecords> byTicker = new LinkedHashMap<>();
    List<Refused> refused = new ArrayList<>();
    int[] partitions = new int[n];
    long[] offsets = new long[n];
    List<CommittableOffset> committables = new ArrayList<>(n);
    Map<Integer, Long> latestTrade = new HashMap<>(4);
    // The latest trade time of the current run of one partition's records.
    int runPartition = -1;
    long runLatest = Long.MIN_VALUE;
    TickerRecords last = null;
    for (int i = 0; i < n; i++) {
      CommittableMessage<String, byte[]> msg = batch.get(i);
      ConsumerRecord<String, byte[]> record = msg.record();
      partitions[i] = record.partition();
      offsets[i] = record.offset();
      committables.add(msg.committableOffset());
      if (record.partition() != runPartition) {
        latestTrade(latestTrade, runPartition, runLatest);
        runPartition = record.partition();
        runLatest = Long.MIN_VALUE;
      }
      Object read = read(record);
      if (read instanceof MarketEvent event) {
        Instant tradeTime = event instanceof Trade trade ? trade.time() : null;
        if (tradeTime != null) {
          runLatest = Math.max(runLatest, tradeTime.toEpochMilli());
        }
        // Records of one ticker come in runs: look the ticker up only when it changes.
        String ticker = event.ticker();
        if (last == null || !last.ticker.equals(ticker)) {
          last = byTicker.computeIfAbsent(ticker, t -> new TickerRecords(t, record.partition()));
        }
        last.add(msg, event, tradeTime);
      } else {
        refused.add(new Refused(msg, (Violation) read));
      }
    }
    latestTrade(latestTrade, runPartition, runLatest);
    return new Decoded(byTicker, refused, partitions, offsets, committables, latestTrade);
  }

  private static void latestTrade(Map<Integer, Long> latestTrade, int partition, long latest) {
    if (latest != Long.MIN_VALUE) {
      latestTrade.merge(partition, latest, Math::max);
    }
  }

  private CompletionStage<PartitionProgress.Batch<CommittableOffset>> handle(
      Decoded batch, PartitionProgress<CommittableOffset> progress) {
    List<CompletableFuture<?>> quarantined = new ArrayList<>();
    for (Refused r : batch.refused()) {
      // Refused before reaching an entity: quarantined with the reason.
      quarantined.add(quarantine(r.msg(), r.violation().rule(), r.violation().detail()).toCompletableFuture());
    }
    List<CompletableFuture<List<TickerState>>> applied = new ArrayList<>(batch.byTicker().size());
    for (TickerRecords records : batch.byTicker().values()) {
      applied.add(apply(records, progress).toCompletableFuture());
    }
    List<CompletableFuture<?>> all = new ArrayList<>(quarantined);
    all.addAll(applied);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<TickerState> tickers = new ArrayList<>(applied.size());
              applied.forEach(a -> tickers.addAll(a.join()));
              return new PartitionProgress.Batch<>(
                  batch.partitions(), batch.offsets(), batch.committables(), batch.latestTrade(), tickers);
            });
  }

  /** Hands one ticker's records to its entity; completes when they are applied or quarantined. */
  private CompletionStage<List<TickerState>> apply(TickerRecords records, PartitionProgress<CommittableOffset> progress) {
    String ticker = records.ticker;
    // The feed clock as of the batches before this one: a trade is stale only when the rest of
    // the feed was already well past it, not because later trades share its batch.
    Instant firstTradeTime = records.firstTradeTime;
    Instant clock = firstTradeTime == null ? Instant.EPOCH : progress.clock(records.partition, firstTradeTime);
    List<Sourced> events = records.events;
    CompletionStage<Ack> ack =
        sharding
            .entityRefFor(TickerEntity.ENTITY_KEY, ticker)
            .ask(replyTo -> new TickerEntity.ApplyEvents(events, clock, replyTo), settings.askTimeout());
    return ack.thenCompose(
        reply -> {
          List<CompletableFuture<?>> quarantined = null;
          List<Outcome> outcomes = reply.outcomes();
          long applied = 0;
          for (int i = 0; i < outcomes.size(); i++) {
            Outcome outcome = outcomes.get(i);
            if (outcome instanceof TickerEntity.Applied) {
              applied++;
            } else if (outcome instanceof TickerEntity.Rejected rejected) {
              if (quarantined == null) {
                quarantined = new ArrayList<>();
              }
              quarantined.add(quarantine(records.messages.get(i), rejected.rule(), rejected.reason()).toCompletableFuture());
            }
          }
          int refused = quarantined == null ? 0 : quarantined.size();
          stats.applied(applied);
          stats.duplicates(outcomes.size() - refused - applied);
          List<TickerState> states = tickerStates(records, reply.openFrom());
          if (quarantined == null) {
            return CompletableFuture.completedFuture(states);
          }
          return CompletableFuture.allOf(quarantined.toArray(CompletableFuture[]::new)).thenApply(done -> states);
        });
  }

  /** The ticker's state after the batch, once per partition its records came from. */
  private static List<TickerState> tickerStates(TickerRecords records, long openFrom) {
    boolean traded = records.firstTradeTime != null;
    if (records.otherPartitions == null) {
      return List.of(new TickerState(records.partition, records.ticker, openFrom, traded));
    }
    List<TickerState> states = new ArrayList<>();
    states.add(new TickerState(records.partition, records.ticker, openFrom, traded));
    for (int partition : records.otherPartitions) {
      states.add(new TickerState(partition, records.ticker, openFrom, traded));
    }
    return states;
  }

  /**
   * Decodes a record once: the {@link MarketEvent} for its ticker's entity, or the {@link
   * Violation} that keeps it from any entity (unreadable, or failing a record-level rule).
   */
  private static Object read(ConsumerRecord<String, byte[]> record) {
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
      return violation.isPresent() ? violation.get() : bar;
    }
    Trade trade = (Trade) event;
    if (trade.time() == null || !Tickers.isValid(trade.ticker())) {
      // No entity to ask; the ticker's TradeGuard checks the rest.
      return new Violation(trade.time() == null ? "schema" : "ticker-format", "unusable trade " + trade);
    }
    return trade;
  }

  private CompletionStage<Ack> advanceWatermark(String ticker, Instant watermark) {
    return sharding
        .entityRefFor(TickerEntity.ENTITY_KEY, ticker)
        .ask(replyTo -> new TickerEntity.AdvanceWatermark(watermark, replyTo), settings.askTimeout());
  }

  /** Sends a refused record to the quarantine topic, bytes unchanged, with its reason. */
  private CompletionStage<Done> quarantine(CommittableMessage<String, byte[]> msg, String rule, String detail) {
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
    return quarantine.send(quarantined).thenApply(metadata -> Done.getInstance());
  }

  /** Flushes and closes the quarantine producer; call after the consumer stopped. */
  public CompletionStage<Done> close() {
    return quarantine.close();
  }
}
