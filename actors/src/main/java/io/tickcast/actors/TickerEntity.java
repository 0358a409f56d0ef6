package io.tickcast.actors;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.typesafe.config.Config;
import io.tickcast.features.IndicatorSet;
import io.tickcast.features.bars.BarAggregator;
import io.tickcast.features.bars.ClosedBar;
import io.tickcast.features.bars.SaleConditionFilter;
import io.tickcast.features.bars.Session;
import io.tickcast.features.validation.TradeGuard;
import io.tickcast.features.validation.Violation;
import io.tickcast.features.vector.FeatureVector;
import io.tickcast.protocols.AlertUpdate;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.CborSerializable;
import io.tickcast.protocols.LiveScore;
import io.tickcast.protocols.MarketEvent;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.PredictionUpdate;
import io.tickcast.protocols.TickerUpdate;
import io.tickcast.protocols.TickerView;
import io.tickcast.protocols.Trade;
import io.tickcast.protocols.Watch;
import io.tickcast.protocols.WatchCondition.Observation;
import io.tickcast.protocols.WatchView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One ticker's live state, sharded across the cluster and event-sourced to Cassandra: its bars,
 * built from trades or received whole, and the indicators computed from every bar so far.
 *
 * <p><b>What is durable.</b> Closed bars are persisted ({@link BarClosed}), single trades are not:
 * between two bars they exist only in this actor's bar aggregator and trade guard. Every write
 * carries those two objects' state and the source offsets they cover (in its last bar), so the
 * journal always holds a consistent cut: "everything up to these offsets". Each reply tells the
 * consumer from which offset on this ticker holds trades in memory only ({@code openFrom}, -1 for
 * none); the consumer commits no offset at or above it, so after a crash Kafka delivers those
 * trades again.
 *
 * <p><b>Exactly-once effect.</b> A record at or below the highest offset applied from its
 * partition, or a whole bar not later than the latest one (the same data replayed at new offsets),
 * changes nothing and is answered {@link Duplicate}.
 *
 * <p><b>Predictions.</b> When bars close, the entity asks the {@link ModelPool} for a prediction
 * from the newest bar's feature vector, without waiting for it: the bar update is published and
 * acknowledged at once. The answer is persisted as {@link PredictionIssued} and published; a
 * failure is published as "unavailable" with its reason. An answer that arrives after a newer bar
 * closed is dropped (that bar's own prediction is on its way), so a fast replay predicts from the
 * newest bar of each batch. When {@code horizon} more bars have closed, the realised return is
 * recorded against the prediction ({@link PredictionResolved}) and added to the model's live score.
 *
 * <p><b>Watches.</b> The ticker's watches are part of its state ({@link WatchBook}), so they move
 * and recover with it. They are evaluated on every published update (the newest bar of each
 * batch, each served prediction) by {@link WatchTrigger}: an alert is decided before the write and
 * persisted ({@link AlertFired}) in the same write as the update that caused it, then published on
 * the updates topic and/or handed to this node's webhook deliverer. An alert stays pending until
 * the deliverer reports it delivered or given up ({@link WebhookOutcome}); pending alerts are
 * handed over again after recovery, so each reaches its webhook at least once.
 */
public final class TickerEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        TickerEntity.Command, TickerEntity.Event, TickerEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "TickerEntity");

  /** Snapshot every this many events; recovery then replays at most this many. */
  static final int SNAPSHOT_EVERY = 100;

  /** How trades become bars and which trades are refused (tickcast.bars, tickcast.validation). */
  public record Settings(
      Duration barInterval,
      Session session,
      Duration allowedLateness,
      SaleConditionFilter conditions,
      TradeGuard.Config guard,
      Duration predictionTimeout) {

    public static Settings defaults() {
      return new Settings(
          Duration.ofMinutes(1), Session.REGULAR, Duration.ofSeconds(5), SaleConditionFilter.ALGOSEEK,
          TradeGuard.Config.standard(), Duration.ofSeconds(2));
    }

    public static Settings fromConfig(Config tickcast) {
      Config bars = tickcast.getConfig("bars");
      Config v = tickcast.getConfig("validation");
      Duration lateness = bars.getDuration("allowed-lateness");
      return new Settings(
          bars.getDuration("interval"),
          Session.valueOf(bars.getString("session").toUpperCase()),
          lateness,
          switch (bars.getString("sale-conditions")) {
            case "algoseek" -> SaleConditionFilter.ALGOSEEK;
            case "all" -> SaleConditionFilter.ALL;
            default -> throw new IllegalArgumentException("tickcast.bars.sale-conditions: algoseek or all");
          },
          new TradeGuard.Config(
              lateness,
              v.getDuration("max-staleness"),
              v.getInt("spike-window"),
              v.getDouble("spike-k"),
              v.getDouble("spike-floor"),
              v.getDuration("spike-reset-gap"),
              v.getInt("spike-confirmations")),
          tickcast.getDuration("models.prediction-timeout"));
    }
  }

  // ---- protocol ---------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** Where a record came from: a Kafka partition and offset, or -1/-1 for sources without one. */
  public record SourcePosition(int partition, long offset) implements CborSerializable {
    public static final SourcePosition NONE = new SourcePosition(-1, -1);
  }

  /** A market event and where it came from. */
  public record Sourced(MarketEvent event, SourcePosition position) implements CborSerializable {}

  /**
   * This ticker's market events in source order (whole bars and/or trades), applied in one go:
   * one round trip and one journal write however many records the consumer read at once.
   * {@code feedClock} is the source partition's clock, for the stale-feed rule.
   */
  public record ApplyEvents(List<Sourced> events, Instant feedClock, ActorRef<Ack> replyTo) implements Command {}

  /** The feed's clock moved on: closes the open bar once its interval is over. */
  public record AdvanceWatermark(Instant watermark, ActorRef<Ack> replyTo) implements Command {}

  public record GetView(ActorRef<ViewReply> replyTo) implements Command {}

  /** Sharding's stop message: makes in-memory trades durable before the entity goes away. */
  public record Passivate() implements Command {}

  /** Creates a watch of this ticker; refused ({@code unknown-ticker}) while it has no bar. */
  public record AddWatch(Watch watch, ActorRef<WatchReply> replyTo) implements Command {}

  /** Removes a watch of {@code owner}; refused {@code unknown-watch} or {@code forbidden}. */
  public record RemoveWatch(String watchId, String owner, ActorRef<WatchReply> replyTo) implements Command {}

  /** One watch, whoever owns it; refused {@code unknown-watch}. */
  public record GetWatch(String watchId, ActorRef<WatchReply> replyTo) implements Command {}

  /** The watches of {@code owner} on this ticker. */
  public record GetWatches(String owner, ActorRef<WatchList> replyTo) implements Command {}

  /** The webhook deliverer's report on one alert; recorded once, repeats are ignored. */
  public record RecordWebhookOutcome(WebhookOutcome outcome) implements Command {}

  /** After recovery: hand the alerts still pending over to the webhook deliverer (local only). */
  private record RedeliverPending() implements Command {}

  /** The model pool's answer for the bar that started at {@code asOf} (local only). */
  private record PredictionReady(Instant asOf, ModelPool.PredictReply reply) implements Command {}

  /**
   * The answer to {@link ApplyEvents} (one outcome per event, in order) and to {@link
   * AdvanceWatermark} (no outcomes). Sent once everything applied is as durable as it will be:
   * {@code openFrom} is the lowest offset this ticker now holds in memory only (-1: none), and
   * {@code sequenceNr} the entity's event sequence number.
   */
  public record Ack(List<Outcome> outcomes, long sequenceNr, long openFrom) implements CborSerializable {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "outcome")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Applied.class, name = "applied"),
    @JsonSubTypes.Type(value = Duplicate.class, name = "duplicate"),
    @JsonSubTypes.Type(value = Rejected.class, name = "rejected")
  })
  public sealed interface Outcome extends CborSerializable {}

  public record Applied() implements Outcome {}

  /** Already covered by the state; nothing changed. */
  public record Duplicate(String reason) implements Outcome {}

  /** Refused by {@code rule} (validation, lateness, session); nothing changed. */
  public record Rejected(String rule, String reason) implements Outcome {}

  private static final Applied APPLIED = new Applied();

  /** {@code view} is null while the ticker has seen no bar. */
  public record ViewReply(String ticker, TickerView view) implements CborSerializable {}

  public sealed interface WatchReply extends CborSerializable {}

  public record WatchOk(WatchView watch) implements WatchReply {}

  /** @param code {@code unknown-ticker}, {@code unknown-watch} or {@code forbidden} */
  public record WatchRefused(String code, String reason) implements WatchReply {}

  public record WatchList(List<WatchView> watches) implements CborSerializable {}

  /**
   * To this node's webhook deliverer: POST {@code alert} to {@code url}, starting with attempt
   * number {@code attempt}, and report the outcome with {@link RecordWebhookOutcome}.
   */
  public record DeliverWebhook(AlertUpdate alert, String url, int attempt) {}

  public sealed interface Event extends CborSerializable {}

  /**
   * A bar closed. {@code offsets}: the highest offset per partition that the state now covers;
   * {@code bars} and {@code guard}: the trade-side state right after this bar (null for tickers
   * fed whole bars).
   *
   * <p>When one write holds several bars (a catch-up), only its last bar carries {@code offsets},
   * {@code bars} and {@code guard}; the bars before it carry null ("unchanged"). A write is
   * atomic (the journal stores all of its events or none), so recovery never stops between them,
   * and the trade-side state, about 2 KB, is written once per write instead of once per bar.
   */
  public record BarClosed(
      Bar bar,
      double vwap,
      int tradeCount,
      Map<Integer, Long> offsets,
      BarAggregator.Memento bars,
      TradeGuard.Memento guard,
      Instant recordedAt)
      implements Event {

    /** This bar without the trade-side state, for a bar followed by another in the same write. */
    BarClosed withoutTradeState() {
      return new BarClosed(bar, vwap, tradeCount, null, null, null, recordedAt);
    }
  }

  /** In-memory trades made durable without a bar closing (before passivation or hand-off). */
  public record TradesCheckpointed(
      Map<Integer, Long> offsets, BarAggregator.Memento bars, TradeGuard.Memento guard, Instant recordedAt)
      implements Event {}

  /** A prediction was served for the {@code barIndex}-th bar (1-based), the newest at the time. */
  public record PredictionIssued(Prediction prediction, long barIndex) implements Event {}

  /**
   * The bar {@code horizon} bars after a prediction's as-of bar closed: {@code realisedReturn} is
   * ln(its adjusted close / the prediction's lastClose).
   */
  public record PredictionResolved(
      Instant asOf, String model, String modelVersion, double expectedReturn, double realisedReturn, Instant resolvedBy)
      implements Event {}

  /** {@code holding}: whether the condition held on the state the watch was created on. */
  public record WatchAdded(Watch watch, boolean holding) implements Event {}

  public record WatchRemoved(String watchId, Instant at) implements Event {}

  /** A watch's condition became true ({@link WatchTrigger}). */
  public record AlertFired(AlertUpdate alert) implements Event {}

  /** A watch's condition stopped holding: its next crossing may fire. */
  public record WatchRearmed(String watchId) implements Event {}

  /** What became of one attempt to deliver an alert to its watch's webhook. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "outcome")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = WebhookDelivered.class, name = "delivered"),
    @JsonSubTypes.Type(value = WebhookFailed.class, name = "failed")
  })
  public sealed interface WebhookOutcome extends Event {
    String watchId();

    String alertId();
  }

  public record WebhookDelivered(String watchId, String alertId, int attempt, Instant at) implements WebhookOutcome {}

  /** {@code gaveUp}: this was the last attempt; the alert is no longer pending. */
  public record WebhookFailed(String watchId, String alertId, int attempt, String reason, boolean gaveUp, Instant at)
      implements WebhookOutcome {}

  // ---- state ------------------------------------------------------------------------------

  /**
   * The durable state. {@link Active} holds the mutable indicator set (O(1), allocation-free
   * updates), so snapshots go through {@link TickerSnapshot}, copied in the actor.
   */
  public sealed interface State {}

  public record Empty() implements State {}

  /** {@code lastBar} is null only while trades were checkpointed but no bar has closed yet. */
  public record Active(
      Bar lastBar,
      IndicatorSet indicators,
      Map<Integer, Long> offsets,
      BarAggregator.Memento bars,
      TradeGuard.Memento guard,
      long barCount,
      long sequenceNr,
      Instant updatedAt,
      PredictionBook predictions,
      WatchBook watches)
      implements State {}

  /** A served prediction waiting for its horizon: resolved when bar {@code barIndex + horizon} closes. */
  public record PendingPrediction(long barIndex, Prediction prediction) implements CborSerializable {}

  /**
   * The predictions side of the state: the latest served, those awaiting their horizon, and the
   * live score per "model@version".
   */
  public record PredictionBook(Prediction latest, List<PendingPrediction> pending, Map<String, LiveScore> scores)
      implements CborSerializable {
    static final PredictionBook EMPTY = new PredictionBook(null, List.of(), Map.of());

    PredictionBook issued(PredictionIssued event) {
      List<PendingPrediction> next = new ArrayList<>(pending);
      next.add(new PendingPrediction(event.barIndex(), event.prediction()));
      return new PredictionBook(event.prediction(), List.copyOf(next), scores);
    }

    PredictionBook resolved(PredictionResolved event) {
      List<PendingPrediction> next = new ArrayList<>(pending.size());
      Map<String, LiveScore> nextScores = new HashMap<>(scores);
      for (PendingPrediction p : pending) {
        if (p.prediction().asOf().equals(event.asOf()) && p.prediction().modelVersion().equals(event.modelVersion())) {
          nextScores.merge(modelKey(p.prediction()), LiveScore.EMPTY.plus(p.prediction(), event.realisedReturn()), LiveScore::plus);
        } else {
          next.add(p);
        }
      }
      return new PredictionBook(latest, List.copyOf(next), Map.copyOf(nextScores));
    }

    static String modelKey(Prediction p) {
      return p.model() + "@" + p.modelVersion();
    }
  }

  /** The persisted form of {@link Active}. */
  public record TickerSnapshot(
      Bar lastBar,
      IndicatorSet.Memento indicators,
      Map<Integer, Long> offsets,
      BarAggregator.Memento bars,
      TradeGuard.Memento guard,
      long barCount,
      long sequenceNr,
      Instant updatedAt,
      PredictionBook predictions,
      WatchBook watches)
      implements CborSerializable {}

  // ---- wiring -----------------------------------------------------------------------------

  /**
   * @param placement how entities map to shards and shards to nodes (the node aligns them with
   *     Kafka partitions)
   */
  public static void init(
      ActorSystem<?> system,
      ActorRef<Topic.Command<TickerUpdate>> updates,
      ActorRef<ModelPool.Command> models,
      ActorRef<DeliverWebhook> webhooks,
      Settings settings,
      UnaryOperator<Entity<Command, ShardingEnvelope<Command>>> placement) {
    ClusterSharding.get(system)
        .init(
            placement.apply(
                Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), updates, models, webhooks, Clock.systemUTC(), settings))
                    .withStopMessage(new Passivate())));
  }

  /**
   * @param models the node-local model pool, asked for a prediction whenever bars close
   * @param webhooks the node-local webhook deliverer: an alert is delivered from the node that
   *     hosts its ticker, so once however many nodes run
   */
  public static Behavior<Command> create(
      String ticker,
      ActorRef<Topic.Command<TickerUpdate>> updates,
      ActorRef<ModelPool.Command> models,
      ActorRef<DeliverWebhook> webhooks,
      Clock clock,
      Settings settings) {
    return Behaviors.setup(ctx -> new TickerEntity(ctx, ticker, updates, models, webhooks, clock, settings));
  }

  /** An entity whose webhook alerts go nowhere, for tests of everything but their delivery. */
  public static Behavior<Command> create(
      String ticker,
      ActorRef<Topic.Command<TickerUpdate>> updates,
      ActorRef<ModelPool.Command> models,
      Clock clock,
      Settings settings) {
    return Behaviors.setup(ctx -> new TickerEntity(ctx, ticker, updates, models, ctx.getSystem().ignoreRef(), clock, settings));
  }

  public static PersistenceId persistenceId(String ticker) {
    return PersistenceId.of(ENTITY_KEY.name(), ticker);
  }

  private final ActorContext<Command> context;
  private final String ticker;
  private final ActorRef<Topic.Command<TickerUpdate>> updates;
  private final ActorRef<ModelPool.Command> models;
  private final ActorRef<DeliverWebhook> webhooks;
  private final Clock clock;
  private final Settings settings;

  // Live trade-side state: ahead of the durable state by the trades since the last event.
  private final SourceOffsets liveOffsets = new SourceOffsets();
  private BarAggregator bars;
  private TradeGuard guard;
  private long openFrom = -1;
  // Why the newest bar has no prediction; not durable, like the failure it describes.
  private PredictionUpdate unavailable;

  private TickerEntity(
      ActorContext<Command> context,
      String ticker,
      ActorRef<Topic.Command<TickerUpdate>> updates,
      ActorRef<ModelPool.Command> models,
      ActorRef<DeliverWebhook> webhooks,
      Clock clock,
      Settings settings) {
    super(persistenceId(ticker));
    this.context = context;
    this.ticker = ticker;
    this.updates = updates;
    this.models = models;
    this.webhooks = webhooks;
    this.clock = clock;
    this.settings = settings;
  }

  @Override
  public State emptyState() {
    return new Empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Keep every event (they are the ticker's bar history); keep the two newest snapshots.
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return SNAPSHOTS;
  }

  static final SnapshotAdapter<State> SNAPSHOTS =
      new SnapshotAdapter<>() {
        @Override
        public Object toJournal(State state) {
          if (state instanceof Active a) {
            return new TickerSnapshot(
                a.lastBar(), a.indicators().memento(), Map.copyOf(a.offsets()), a.bars(), a.guard(),
                a.barCount(), a.sequenceNr(), a.updatedAt(), a.predictions(), a.watches());
          }
          throw new IllegalStateException("no snapshot is taken before the first bar");
        }

        @Override
        public State fromJournal(Object from) {
          TickerSnapshot s = (TickerSnapshot) from;
          return new Active(
              s.lastBar(), IndicatorSet.fromMemento(s.indicators()), Map.copyOf(s.offsets()), s.bars(), s.guard(),
              s.barCount(), s.sequenceNr(), s.updatedAt(), s.predictions(),
              // Snapshots taken before watches existed have none.
              s.watches() == null ? WatchBook.EMPTY : s.watches());
        }
      };

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::resumeFrom)
        .build();
  }

  /** After recovery the live state is the durable one: trades after it come again from Kafka. */
  private void resumeFrom(State state) {
    liveOffsets.reset(state instanceof Active a ? a.offsets() : Map.of());
    openFrom = -1;
    if (state instanceof Active a) {
      bars = a.bars() == null ? null : BarAggregator.fromMemento(a.bars());
      // The rules as configured now, so that a changed tickcast.validation applies after a restart.
      guard = a.guard() == null ? null : TradeGuard.fromMemento(a.guard(), settings.guard());
      if (a.watches().watches().values().stream().anyMatch(w -> !w.webhook().pending().isEmpty())) {
        // Handled after the commands that arrived during recovery: often the deliverer's report
        // that woke this entity, which settles its alert first.
        context.getSelf().tell(new RedeliverPending());
      }
    }
  }

  /**
   * Hands the pending alerts over again: the deliverer that had them may be gone (crash,
   * hand-off). A repeat is de-duplicated by the deliverer if it still has the alert in flight,
   * else by the receiver on the alert id.
   */
  private ReplyEffect<Event, State> redeliverPending(State state, RedeliverPending cmd) {
    for (WatchBook.WatchState watch : watchBook(state).ordered()) {
      for (WatchBook.PendingAlert pending : watch.webhook().pending()) {
        webhooks.tell(new DeliverWebhook(pending.alert(), watch.watch().delivery().webhook(), pending.attempts() + 1));
      }
    }
    return Effect().noReply();
  }

  // ---- commands ---------------------------------------------------------------------------

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(Empty.class)
        .onCommand(GetView.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new ViewReply(ticker, null)));
    builder
        .forStateType(Active.class)
        .onCommand(
            GetView.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new ViewReply(ticker, state.lastBar() == null ? null : view(state))));
    builder
        .forAnyState()
        .onCommand(ApplyEvents.class, this::applyEvents)
        .onCommand(AdvanceWatermark.class, this::advanceWatermark)
        .onCommand(PredictionReady.class, this::predictionReady)
        .onCommand(Passivate.class, this::passivate)
        .onCommand(AddWatch.class, this::addWatch)
        .onCommand(RemoveWatch.class, this::removeWatch)
        .onCommand(GetWatch.class, this::getWatch)
        .onCommand(
            GetWatches.class,
            (state, cmd) ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        new WatchList(
                            watchBook(state).ordered().stream()
                                .filter(w -> w.watch().owner().equals(cmd.owner()))
                                .map(WatchBook.WatchState::view)
                                .toList())))
        .onCommand(RecordWebhookOutcome.class, this::recordWebhookOutcome)
        .onCommand(RedeliverPending.class, this::redeliverPending);
    return builder.build();
  }

  private ReplyEffect<Event, State> applyEvents(State state, ApplyEvents cmd) {
    List<Outcome> outcomes = new ArrayList<>(cmd.events().size());
    List<Event> closed = new ArrayList<>();
    Instant lastBarStart = state instanceof Active a && a.lastBar() != null ? a.lastBar().start() : null;
    for (Sourced sourced : cmd.events()) {
      MarketEvent event = sourced.event();
      SourcePosition position = sourced.position();
      if (!ticker.equals(event.ticker())) {
        outcomes.add(new Rejected("ticker-mismatch", event.ticker() + " sent to " + ticker));
      } else if (covers(position)) {
        outcomes.add(new Duplicate("offset " + position.offset() + " already applied"));
      } else if (event instanceof Bar bar) {
        if (lastBarStart != null && !bar.start().isAfter(lastBarStart)) {
          outcomes.add(new Duplicate("bar at " + bar.start() + " is not after " + lastBarStart));
        } else {
          advanceOffset(position);
          closed.add(barClosed(bar, Double.NaN, 0));
          lastBarStart = bar.start();
          outcomes.add(APPLIED);
        }
      } else if (event instanceof Trade trade) {
        outcomes.add(applyTrade(trade, position, cmd.feedClock(), closed));
      }
    }
    return persistAndAck(state, closed, outcomes, cmd.replyTo());
  }

  /** Applies one trade to the live state; a bar it closes is added to {@code closed}. */
  private Outcome applyTrade(Trade trade, SourcePosition position, Instant feedClock, List<Event> closed) {
    if (bars == null) {
      bars = new BarAggregator(ticker, settings.barInterval(), settings.session(), settings.allowedLateness(), settings.conditions());
      guard = new TradeGuard(settings.guard());
    }
    Optional<Violation> refused = guard.check(trade, feedClock);
    if (refused.isEmpty()) {
      BarAggregator.Outcome outcome = bars.onTrade(trade);
      refused = outcome.violation();
      if (refused.isEmpty()) {
        guard.accept(trade);
        advanceOffset(position);
        if (openFrom < 0) {
          openFrom = position.offset();
        }
        outcome.closedBar().ifPresent(bar -> closed.add(barClosed(bar.bar(), bar.vwap(), bar.tradeCount())));
        return APPLIED;
      }
    }
    return new Rejected(refused.get().rule(), refused.get().detail());
  }

  private ReplyEffect<Event, State> advanceWatermark(State state, AdvanceWatermark cmd) {
    List<Event> closed = new ArrayList<>(1);
    if (bars != null) {
      bars.advanceWatermark(cmd.watermark())
          .ifPresent(bar -> closed.add(barClosed(bar.bar(), bar.vwap(), bar.tradeCount())));
    }
    return persistAndAck(state, closed, List.of(), cmd.replyTo());
  }

  /**
   * A bar closed now: the event carries the live state as it is at this point, so it covers every
   * record applied so far.
   */
  private BarClosed barClosed(Bar bar, double vwap, int tradeCount) {
    openFrom = -1;
    return new BarClosed(
        bar,
        vwap,
        tradeCount,
        liveOffsets.toMap(),
        bars == null ? null : bars.memento(),
        guard == null ? null : guard.memento(),
        clock.instant());
  }

  /**
   * Persists the closed bars (if any) with the predictions they resolve, publishes the new view,
   * asks for a prediction from the newest bar, then acknowledges.
   */
  private ReplyEffect<Event, State> persistAndAck(
      State state, List<Event> closed, List<Outcome> outcomes, ActorRef<Ack> replyTo) {
    if (closed.isEmpty()) {
      return Effect().reply(replyTo, new Ack(outcomes, sequenceNr(state), openFrom));
    }
    unavailable = null;
    List<Event> events = withWatchEvents(state, withResolutions(state, tradeStateOnLastBarOnly(closed)), closed);
    return Effect()
        .persist(events)
        .thenRun(
            newState -> {
              Active active = (Active) newState;
              Optional<double[]> features = FeatureVector.of(active.indicators().values(), active.lastBar().adjustedClose());
              if (features.isEmpty()) {
                unavailable(active, "warming-up", "the feature vector needs more history than " + active.barCount() + " bars");
              }
              updates.tell(Topic.publish(view(active)));
              announceAlerts(events, active);
              features.ifPresentOrElse(f -> requestPrediction(active.lastBar(), f), () -> updates.tell(Topic.publish(unavailable)));
            })
        .thenReply(replyTo, newState -> new Ack(outcomes, ((Active) newState).sequenceNr(), openFrom));
  }

  /** {@code closed} with the trade-side state left only in the last bar (see {@link BarClosed}). */
  private static List<Event> tradeStateOnLastBarOnly(List<Event> closed) {
    if (closed.size() < 2) {
      return closed;
    }
    List<Event> lean = new ArrayList<>(closed.size());
    for (int i = 0; i < closed.size() - 1; i++) {
      lean.add(((BarClosed) closed.get(i)).withoutTradeState());
    }
    lean.add(closed.get(closed.size() - 1));
    return lean;
  }

  /** The closed bars, each followed by the pending predictions whose horizon it completes. */
  private static List<Event> withResolutions(State state, List<Event> closed) {
    if (!(state instanceof Active a) || a.predictions().pending().isEmpty()) {
      return closed;
    }
    List<Event> events = new ArrayList<>(closed.size() + a.predictions().pending().size());
    long barIndex = a.barCount();
    for (Event event : closed) {
      events.add(event);
      barIndex++;
      Bar bar = ((BarClosed) event).bar();
      for (PendingPrediction pending : a.predictions().pending()) {
        Prediction p = pending.prediction();
        if (pending.barIndex() + p.horizon() == barIndex) {
          events.add(
              new PredictionResolved(
                  p.asOf(), p.model(), p.modelVersion(), p.expectedReturn(),
                  Math.log(bar.adjustedClose() / p.lastClose()), bar.start()));
        }
      }
    }
    return events;
  }

  /**
   * {@code events} followed by what the newest of the {@code closed} bars does to the watches. The
   * indicators after it are computed on a copy (only when a watch reads them), so alerts are
   * decided here and written atomically with the bars that caused them.
   */
  private List<Event> withWatchEvents(State state, List<Event> events, List<Event> closed) {
    if (!(state instanceof Active a) || a.watches().watches().isEmpty()) {
      return events;
    }
    Map<String, Double> indicators = Map.of();
    if (a.watches().readsIndicators()) {
      IndicatorSet after = IndicatorSet.fromMemento(a.indicators().memento());
      closed.forEach(e -> after.update(((BarClosed) e).bar()));
      indicators = after.values();
    }
    Bar newest = ((BarClosed) closed.get(closed.size() - 1)).bar();
    Observation observation = new Observation(newest, indicators, a.predictions().latest());
    return concat(events, a.watches().evaluate(observation, a.sequenceNr() + events.size() + 1, clock.instant()));
  }

  private static List<Event> concat(List<Event> first, List<Event> second) {
    if (second.isEmpty()) {
      return first;
    }
    List<Event> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** Publishes the alerts among the persisted {@code events} and hands those for webhooks over. */
  private void announceAlerts(List<Event> events, Active state) {
    for (Event event : events) {
      if (event instanceof AlertFired fired) {
        Watch.Delivery delivery = state.watches().watches().get(fired.alert().watchId()).watch().delivery();
        if (delivery.sse()) {
          updates.tell(Topic.publish(fired.alert()));
        }
        if (delivery.webhook() != null) {
          webhooks.tell(new DeliverWebhook(fired.alert(), delivery.webhook(), 1));
        }
      }
    }
  }

  private void requestPrediction(Bar bar, double[] features) {
    Duration timeout = settings.predictionTimeout();
    Instant deadline = clock.instant().plus(timeout);
    context.ask(
        ModelPool.PredictReply.class,
        models,
        timeout,
        replyTo ->
            new ModelPool.Predict(ticker, bar.start(), bar.interval(), bar.adjustedClose(), features, deadline, replyTo),
        (reply, failure) ->
            new PredictionReady(
                bar.start(),
                reply != null ? reply : new ModelPool.Unavailable("timeout", "no answer from the model pool within " + timeout)));
  }

  private ReplyEffect<Event, State> predictionReady(State state, PredictionReady ready) {
    if (!(state instanceof Active a) || a.lastBar() == null || !a.lastBar().start().equals(ready.asOf())) {
      // A newer bar closed meanwhile; a prediction from older data is not worth serving.
      return Effect().noReply();
    }
    if (ready.reply() instanceof ModelPool.Predicted predicted) {
      List<Event> events = List.of(new PredictionIssued(predicted.prediction(), a.barCount()));
      if (!a.watches().watches().isEmpty()) {
        Map<String, Double> indicators = a.watches().readsIndicators() ? a.indicators().values() : Map.of();
        Observation observation = new Observation(a.lastBar(), indicators, predicted.prediction());
        events = concat(events, a.watches().evaluate(observation, a.sequenceNr() + 2, clock.instant()));
      }
      List<Event> persisted = events;
      return Effect()
          .persist(persisted)
          .thenRun(
              newState -> {
                // The prediction's own sequence number: alerts it caused follow it.
                updates.tell(
                    Topic.publish(
                        new PredictionUpdate(ticker, a.sequenceNr() + 1, ready.asOf(), predicted.prediction(), null)));
                announceAlerts(persisted, (Active) newState);
              })
          .thenNoReply();
    }
    ModelPool.Unavailable failed = (ModelPool.Unavailable) ready.reply();
    updates.tell(Topic.publish(unavailable(a, failed.code(), failed.reason())));
    return Effect().noReply();
  }

  /** Records why the newest bar has no prediction, for views and the stream. */
  private PredictionUpdate unavailable(Active state, String code, String reason) {
    unavailable =
        new PredictionUpdate(
            ticker, state.sequenceNr(), state.lastBar().start(), null, new PredictionUpdate.Unavailable(code, reason));
    return unavailable;
  }

  private ReplyEffect<Event, State> addWatch(State state, AddWatch cmd) {
    if (!(state instanceof Active a) || a.lastBar() == null) {
      return Effect().reply(cmd.replyTo(), new WatchRefused("unknown-ticker", "no bar has been received for " + ticker));
    }
    Watch watch = cmd.watch();
    Observation now = new Observation(a.lastBar(), a.indicators().values(), a.predictions().latest());
    return Effect()
        .persist(new WatchAdded(watch, watch.condition().holds(now)))
        .thenReply(cmd.replyTo(), newState -> new WatchOk(watchBook(newState).watches().get(watch.id()).view()));
  }

  private ReplyEffect<Event, State> removeWatch(State state, RemoveWatch cmd) {
    WatchBook.WatchState watch = watchBook(state).watches().get(cmd.watchId());
    if (watch == null) {
      return Effect().reply(cmd.replyTo(), unknownWatch(cmd.watchId()));
    }
    if (!watch.watch().owner().equals(cmd.owner())) {
      return Effect().reply(cmd.replyTo(), new WatchRefused("forbidden", "watch " + cmd.watchId() + " belongs to someone else"));
    }
    return Effect()
        .persist(new WatchRemoved(cmd.watchId(), clock.instant()))
        .thenReply(cmd.replyTo(), newState -> new WatchOk(watch.view()));
  }

  private ReplyEffect<Event, State> getWatch(State state, GetWatch cmd) {
    WatchBook.WatchState watch = watchBook(state).watches().get(cmd.watchId());
    return Effect().reply(cmd.replyTo(), watch == null ? unknownWatch(cmd.watchId()) : new WatchOk(watch.view()));
  }

  private static WatchRefused unknownWatch(String watchId) {
    return new WatchRefused("unknown-watch", "there is no watch " + watchId);
  }

  private ReplyEffect<Event, State> recordWebhookOutcome(State state, RecordWebhookOutcome cmd) {
    if (!watchBook(state).awaits(cmd.outcome())) {
      // Already recorded, or the watch was removed meanwhile.
      return Effect().noReply();
    }
    return Effect().persist(cmd.outcome()).thenNoReply();
  }

  private static WatchBook watchBook(State state) {
    return state instanceof Active a ? a.watches() : WatchBook.EMPTY;
  }

  private ReplyEffect<Event, State> passivate(State state, Passivate cmd) {
    if (openFrom < 0) {
      return Effect().stop().thenNoReply();
    }
    openFrom = -1;
    return Effect()
        .persist(new TradesCheckpointed(liveOffsets.toMap(), bars.memento(), guard.memento(), clock.instant()))
        .thenStop()
        .thenNoReply();
  }

  private boolean covers(SourcePosition position) {
    return liveOffsets.covers(position.partition(), position.offset());
  }

  private void advanceOffset(SourcePosition position) {
    liveOffsets.advance(position.partition(), position.offset());
  }

  private static long sequenceNr(State state) {
    return state instanceof Active a ? a.sequenceNr() : 0;
  }

  private TickerView view(Active state) {
    boolean latestUnavailable = unavailable != null && unavailable.asOf().equals(state.lastBar().start());
    return new TickerView(
        ticker, state.sequenceNr(), state.lastBar(), state.indicators().values(), state.barCount(), state.updatedAt(),
        state.predictions().latest(), latestUnavailable ? unavailable.unavailable() : null, state.predictions().scores());
  }

  // ---- events -----------------------------------------------------------------------------

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(BarClosed.class, this::onBarClosed)
        .onEvent(TradesCheckpointed.class, this::onTradesCheckpointed)
        .onEvent(PredictionIssued.class, (state, event) -> withPredictions(state, a -> a.predictions().issued(event)))
        .onEvent(PredictionResolved.class, (state, event) -> withPredictions(state, a -> a.predictions().resolved(event)))
        .onEvent(WatchAdded.class, (state, event) -> withWatches(state, book -> book.added(event)))
        .onEvent(WatchRemoved.class, (state, event) -> withWatches(state, book -> book.removed(event.watchId())))
        .onEvent(AlertFired.class, (state, event) -> withWatches(state, book -> book.fired(event)))
        .onEvent(WatchRearmed.class, (state, event) -> withWatches(state, book -> book.rearmed(event)))
        .onEvent(WebhookDelivered.class, (state, event) -> withWatches(state, book -> book.delivered(event)))
        .onEvent(WebhookFailed.class, (state, event) -> withWatches(state, book -> book.failed(event)))
        .build();
  }

  private State onBarClosed(State state, BarClosed event) {
    IndicatorSet indicators = state instanceof Active a ? a.indicators() : IndicatorSet.standard();
    indicators.update(event.bar());
    long barCount = state instanceof Active a ? a.barCount() : 0;
    PredictionBook predictions = state instanceof Active a ? a.predictions() : PredictionBook.EMPTY;
    WatchBook watches = state instanceof Active a ? a.watches() : WatchBook.EMPTY;
    // Null: a later bar of the same write carries the trade-side state (see BarClosed).
    boolean carriesTradeState = event.offsets() != null;
    Active before = state instanceof Active a ? a : null;
    // Every event type advances sequenceNr by one, so it equals the journal's sequence number.
    return new Active(
        event.bar(),
        indicators,
        carriesTradeState ? event.offsets() : before == null ? Map.of() : before.offsets(),
        carriesTradeState || before == null ? event.bars() : before.bars(),
        carriesTradeState || before == null ? event.guard() : before.guard(),
        barCount + 1,
        sequenceNr(state) + 1,
        event.recordedAt(),
        predictions,
        watches);
  }

  private static State withPredictions(State state, Function<Active, PredictionBook> change) {
    Active a = (Active) state;
    return new Active(
        a.lastBar(), a.indicators(), a.offsets(), a.bars(), a.guard(), a.barCount(), a.sequenceNr() + 1, a.updatedAt(),
        change.apply(a), a.watches());
  }

  private static State withWatches(State state, UnaryOperator<WatchBook> change) {
    Active a = (Active) state;
    return new Active(
        a.lastBar(), a.indicators(), a.offsets(), a.bars(), a.guard(), a.barCount(), a.sequenceNr() + 1, a.updatedAt(),
        a.predictions(), change.apply(a.watches()));
  }

  private State onTradesCheckpointed(State state, TradesCheckpointed event) {
    if (!(state instanceof Active a)) {
      // Trades checkpointed before the first bar closed: nothing to show yet, and nothing lost —
      // recovery starts the trade side from this event's state.
      return new Active(
          null, IndicatorSet.standard(), event.offsets(), event.bars(), event.guard(), 0, 1, event.recordedAt(),
          PredictionBook.EMPTY, WatchBook.EMPTY);
    }
    return new Active(
        a.lastBar(), a.indicators(), event.offsets(), event.bars(), event.guard(), a.barCount(), a.sequenceNr() + 1,
        event.recordedAt(), a.predictions(), a.watches());
  }
}
