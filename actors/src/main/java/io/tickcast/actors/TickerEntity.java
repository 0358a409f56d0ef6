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
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.CborSerializable;
import io.tickcast.protocols.MarketEvent;
import io.tickcast.protocols.TickerView;
import io.tickcast.protocols.Trade;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
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
 * between two bars they exist only in this actor's bar aggregator and trade guard. Every event
 * carries those two objects' state and the source offsets they cover, so the journal always holds
 * a consistent cut: "everything up to these offsets". Each reply tells the consumer from which
 * offset on this ticker holds trades in memory only ({@code openFrom}, -1 for none); the consumer
 * commits no offset at or above it, so after a crash Kafka delivers those trades again.
 *
 * <p><b>Exactly-once effect.</b> A record at or below the highest offset applied from its
 * partition, or a whole bar not later than the latest one (the same data replayed at new offsets),
 * changes nothing and is answered {@link Duplicate}.
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
      TradeGuard.Config guard) {

    public static Settings defaults() {
      return new Settings(
          Duration.ofMinutes(1), Session.REGULAR, Duration.ofSeconds(5), SaleConditionFilter.ALGOSEEK, TradeGuard.Config.standard());
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
              v.getDouble("spike-floor")));
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

  public sealed interface Event extends CborSerializable {}

  /**
   * A bar closed. {@code offsets}: the highest offset per partition that the state now covers;
   * {@code bars} and {@code guard}: the trade-side state right after this bar (null for tickers
   * fed whole bars).
   */
  public record BarClosed(
      Bar bar,
      double vwap,
      int tradeCount,
      Map<Integer, Long> offsets,
      BarAggregator.Memento bars,
      TradeGuard.Memento guard,
      Instant recordedAt)
      implements Event {}

  /** In-memory trades made durable without a bar closing (before passivation or hand-off). */
  public record TradesCheckpointed(
      Map<Integer, Long> offsets, BarAggregator.Memento bars, TradeGuard.Memento guard, Instant recordedAt)
      implements Event {}

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
      Instant updatedAt)
      implements State {}

  /** The persisted form of {@link Active}. */
  public record TickerSnapshot(
      Bar lastBar,
      IndicatorSet.Memento indicators,
      Map<Integer, Long> offsets,
      BarAggregator.Memento bars,
      TradeGuard.Memento guard,
      long barCount,
      long sequenceNr,
      Instant updatedAt)
      implements CborSerializable {}

  // ---- wiring -----------------------------------------------------------------------------

  /**
   * @param placement how entities map to shards and shards to nodes (the node aligns them with
   *     Kafka partitions)
   */
  public static void init(
      ActorSystem<?> system,
      ActorRef<Topic.Command<TickerView>> updates,
      Settings settings,
      UnaryOperator<Entity<Command, ShardingEnvelope<Command>>> placement) {
    ClusterSharding.get(system)
        .init(
            placement.apply(
                Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), updates, Clock.systemUTC(), settings))
                    .withStopMessage(new Passivate())));
  }

  public static Behavior<Command> create(
      String ticker, ActorRef<Topic.Command<TickerView>> updates, Clock clock, Settings settings) {
    return Behaviors.setup(ctx -> new TickerEntity(ticker, updates, clock, settings));
  }

  public static PersistenceId persistenceId(String ticker) {
    return PersistenceId.of(ENTITY_KEY.name(), ticker);
  }

  private final String ticker;
  private final ActorRef<Topic.Command<TickerView>> updates;
  private final Clock clock;
  private final Settings settings;

  // Live trade-side state: ahead of the durable state by the trades since the last event.
  private final Map<Integer, Long> liveOffsets = new HashMap<>();
  private BarAggregator bars;
  private TradeGuard guard;
  private long openFrom = -1;

  private TickerEntity(
      String ticker, ActorRef<Topic.Command<TickerView>> updates, Clock clock, Settings settings) {
    super(persistenceId(ticker));
    this.ticker = ticker;
    this.updates = updates;
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
                a.barCount(), a.sequenceNr(), a.updatedAt());
          }
          throw new IllegalStateException("no snapshot is taken before the first bar");
        }

        @Override
        public State fromJournal(Object from) {
          TickerSnapshot s = (TickerSnapshot) from;
          return new Active(
              s.lastBar(), IndicatorSet.fromMemento(s.indicators()), Map.copyOf(s.offsets()), s.bars(), s.guard(),
              s.barCount(), s.sequenceNr(), s.updatedAt());
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
    liveOffsets.clear();
    openFrom = -1;
    if (state instanceof Active a) {
      liveOffsets.putAll(a.offsets());
      bars = a.bars() == null ? null : BarAggregator.fromMemento(a.bars());
      guard = a.guard() == null ? null : TradeGuard.fromMemento(a.guard());
    }
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
        .onCommand(Passivate.class, this::passivate);
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
        Map.copyOf(liveOffsets),
        bars == null ? null : bars.memento(),
        guard == null ? null : guard.memento(),
        clock.instant());
  }

  /** Persists the closed bars (if any), publishes the new view, then acknowledges. */
  private ReplyEffect<Event, State> persistAndAck(
      State state, List<Event> closed, List<Outcome> outcomes, ActorRef<Ack> replyTo) {
    if (closed.isEmpty()) {
      return Effect().reply(replyTo, new Ack(outcomes, sequenceNr(state), openFrom));
    }
    return Effect()
        .persist(closed)
        .thenRun(newState -> updates.tell(Topic.publish(view((Active) newState))))
        .thenReply(replyTo, newState -> new Ack(outcomes, ((Active) newState).sequenceNr(), openFrom));
  }

  private ReplyEffect<Event, State> passivate(State state, Passivate cmd) {
    if (openFrom < 0) {
      return Effect().stop().thenNoReply();
    }
    openFrom = -1;
    return Effect()
        .persist(new TradesCheckpointed(Map.copyOf(liveOffsets), bars.memento(), guard.memento(), clock.instant()))
        .thenStop()
        .thenNoReply();
  }

  private boolean covers(SourcePosition position) {
    Long seen = liveOffsets.get(position.partition());
    return position.offset() >= 0 && seen != null && position.offset() <= seen;
  }

  private void advanceOffset(SourcePosition position) {
    if (position.offset() >= 0) {
      liveOffsets.merge(position.partition(), position.offset(), Math::max);
    }
  }

  private static long sequenceNr(State state) {
    return state instanceof Active a ? a.sequenceNr() : 0;
  }

  private TickerView view(Active state) {
    return new TickerView(
        ticker, state.sequenceNr(), state.lastBar(), state.indicators().values(), state.barCount(), state.updatedAt());
  }

  // ---- events -----------------------------------------------------------------------------

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(BarClosed.class, this::onBarClosed)
        .onEvent(TradesCheckpointed.class, this::onTradesCheckpointed)
        .build();
  }

  private State onBarClosed(State state, BarClosed event) {
    IndicatorSet indicators = state instanceof Active a ? a.indicators() : IndicatorSet.standard();
    indicators.update(event.bar());
    long barCount = state instanceof Active a ? a.barCount() : 0;
    // Every event type advances sequenceNr by one, so it equals the journal's sequence number.
    return new Active(
        event.bar(),
        indicators,
        event.offsets(),
        event.bars(),
        event.guard(),
        barCount + 1,
        sequenceNr(state) + 1,
        event.recordedAt());
  }

  private State onTradesCheckpointed(State state, TradesCheckpointed event) {
    if (!(state instanceof Active a)) {
      // Trades checkpointed before the first bar closed: nothing to show yet, and nothing lost —
      // recovery starts the trade side from this event's state.
      return new Active(null, IndicatorSet.standard(), event.offsets(), event.bars(), event.guard(), 0, 1, event.recordedAt());
    }
    return new Active(
        a.lastBar(), a.indicators(), event.offsets(), event.bars(), event.guard(), a.barCount(), a.sequenceNr() + 1, event.recordedAt());
  }
}
