package io.tickcast.actors;

import io.tickcast.features.IndicatorSet;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.CborSerializable;
import io.tickcast.protocols.TickerView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One ticker's live state, sharded across the cluster and event-sourced to Cassandra: the latest
 * bar and the indicators computed from every bar so far.
 *
 * <p>Exactly-once effect: each applied bar records the source position (Kafka partition and
 * offset) it came from. A delivery at or below the recorded offset of its partition, or a bar not
 * later than the latest one (the same data replayed), changes nothing and is answered
 * {@link Duplicate}, so the consumer may commit it. The consumer commits an offset only after
 * {@link Applied}, i.e. after the event is durable.
 */
public final class TickerEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        TickerEntity.Command, TickerEntity.Event, TickerEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "TickerEntity");

  /** Snapshot every this many events; recovery then replays at most this many. */
  static final int SNAPSHOT_EVERY = 100;

  // ---- protocol ---------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** Where a bar came from: a Kafka partition and offset, or -1/-1 for sources without one. */
  public record SourcePosition(int partition, long offset) implements CborSerializable {
    public static final SourcePosition NONE = new SourcePosition(-1, -1);
  }

  public record ApplyBar(Bar bar, SourcePosition position, ActorRef<ApplyResult> replyTo) implements Command {}

  public record GetView(ActorRef<ViewReply> replyTo) implements Command {}

  public sealed interface ApplyResult extends CborSerializable {}

  /** The bar is part of the durable state now. */
  public record Applied(long sequenceNr) implements ApplyResult {}

  /** Already covered by the durable state; nothing changed. */
  public record Duplicate(String reason) implements ApplyResult {}

  /** Not for this entity or not applicable; nothing changed. */
  public record Rejected(String reason) implements ApplyResult {}

  /** {@code view} is null while the ticker has seen no bar. */
  public record ViewReply(String ticker, TickerView view) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record BarClosed(Bar bar, SourcePosition position, Instant recordedAt) implements Event {}

  // ---- state ------------------------------------------------------------------------------

  /**
   * Not a CborSerializable: the indicator set is mutable (O(1), allocation-free updates), so
   * snapshots go through {@link TickerSnapshot} (see {@link #snapshotAdapter()}), copied in the
   * actor before the snapshot store sees it.
   */
  public sealed interface State {}

  public record Empty() implements State {}

  public record Active(
      Bar lastBar,
      IndicatorSet indicators,
      Map<Integer, Long> offsets,
      long barCount,
      long sequenceNr,
      Instant updatedAt)
      implements State {

    boolean covers(SourcePosition position) {
      Long seen = offsets.get(position.partition());
      return position.offset() >= 0 && seen != null && position.offset() <= seen;
    }
  }

  /** The persisted form of {@link Active}. */
  public record TickerSnapshot(
      Bar lastBar,
      IndicatorSet.Memento indicators,
      Map<Integer, Long> offsets,
      long barCount,
      long sequenceNr,
      Instant updatedAt)
      implements CborSerializable {}

  // ---- wiring -----------------------------------------------------------------------------

  public static void init(ActorSystem<?> system, ActorRef<Topic.Command<TickerView>> updates) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), updates, Clock.systemUTC())));
  }

  public static Behavior<Command> create(
      String ticker, ActorRef<Topic.Command<TickerView>> updates, Clock clock) {
    return Behaviors.setup(ctx -> new TickerEntity(ticker, updates, clock));
  }

  public static PersistenceId persistenceId(String ticker) {
    return PersistenceId.of(ENTITY_KEY.name(), ticker);
  }

  private final String ticker;
  private final ActorRef<Topic.Command<TickerView>> updates;
  private final Clock clock;

  private TickerEntity(String ticker, ActorRef<Topic.Command<TickerView>> updates, Clock clock) {
    super(persistenceId(ticker));
    this.ticker = ticker;
    this.updates = updates;
    this.clock = clock;
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
                a.lastBar(), a.indicators().memento(), Map.copyOf(a.offsets()), a.barCount(), a.sequenceNr(), a.updatedAt());
          }
          throw new IllegalStateException("no snapshot is taken before the first bar");
        }

        @Override
        public State fromJournal(Object from) {
          TickerSnapshot s = (TickerSnapshot) from;
          return new Active(
              s.lastBar(),
              IndicatorSet.fromMemento(s.indicators()),
              new HashMap<>(s.offsets()),
              s.barCount(),
              s.sequenceNr(),
              s.updatedAt());
        }
      };

  // ---- commands ---------------------------------------------------------------------------

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(Empty.class)
        .onCommand(ApplyBar.class, (state, cmd) -> applyBar(null, cmd))
        .onCommand(GetView.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new ViewReply(ticker, null)));
    builder
        .forStateType(Active.class)
        .onCommand(ApplyBar.class, this::applyBar)
        .onCommand(GetView.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new ViewReply(ticker, view(state))));
    return builder.build();
  }

  private ReplyEffect<Event, State> applyBar(Active state, ApplyBar cmd) {
    Bar bar = cmd.bar();
    if (!ticker.equals(bar.ticker())) {
      return Effect().reply(cmd.replyTo(), new Rejected("bar of " + bar.ticker() + " sent to " + ticker));
    }
    if (state != null && state.covers(cmd.position())) {
      return Effect()
          .reply(cmd.replyTo(), new Duplicate("offset " + cmd.position().offset() + " already applied"));
    }
    if (state != null && !bar.start().isAfter(state.lastBar().start())) {
      return Effect()
          .reply(cmd.replyTo(), new Duplicate("bar at " + bar.start() + " is not after " + state.lastBar().start()));
    }
    return Effect()
        .persist(new BarClosed(bar, cmd.position(), clock.instant()))
        .thenRun(newState -> updates.tell(Topic.publish(view((Active) newState))))
        .thenReply(cmd.replyTo(), newState -> new Applied(((Active) newState).sequenceNr()));
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
        .build();
  }

  private State onBarClosed(State state, BarClosed event) {
    Active active =
        state instanceof Active a
            ? a
            : new Active(event.bar(), IndicatorSet.standard(), new HashMap<>(), 0, 0, event.recordedAt());
    active.indicators().update(event.bar());
    if (event.position().offset() >= 0) {
      active.offsets().merge(event.position().partition(), event.position().offset(), Math::max);
    }
    // Every event type advances sequenceNr by one, so it equals the journal's sequence number.
    return new Active(
        event.bar(),
        active.indicators(),
        active.offsets(),
        active.barCount() + 1,
        active.sequenceNr() + 1,
        event.recordedAt());
  }
}
