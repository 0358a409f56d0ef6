package io.tickcast.node;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import io.tickcast.actors.TickerEntity;
import io.tickcast.protocols.TickerUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Keeps {@code ticker_history} (see {@link TickerHistoryStore}) up to date from the journal: each
 * ticker's events, read with {@code currentEventsByPersistenceId} from where the projection last
 * got, written as idempotent upserts, and the position per ticker saved after the writes (at least
 * once; a restart re-applies at most the last second's events, which changes nothing).
 *
 * <p>Why per ticker and not {@code eventsByTag} (Pekko Projection): tagging adds a second write
 * per event (tag_views and its progress tables) on the ingest path that the journal throughput
 * was tuned for, and Cassandra's tag queries order events by time across writers, needing an
 * eventual-consistency delay. Per-ticker queries read the journal's own partitions in sequence
 * order, so positions are exact and the write path is untouched.
 *
 * <p>When to read: a ticker's journal is read when its entity announces new events (the
 * {@link TickerUpdate} it publishes after each write), at most once per {@code read-interval},
 * instead of being polled as the journal's live query does. Polling every ticker every 2 s cost
 * an idle node 22 Cassandra requests a second for 20 tickers, and most of the query API's tail
 * at 2,000 requests/s on a 2-core machine (README, performance). Announcements are at most once
 * (a message lost while a node joins, events that announce nothing such as watches), so every
 * {@code sweep-interval} a slice lists its tickers and reads each one's journal anyway: nothing
 * is missed, only later.
 *
 * <p>Distribution: {@value #SLICES} slices run as a sharded daemon process, spread over the
 * cluster and restarted elsewhere when a node leaves. A ticker belongs to slice {@code
 * hash(ticker) mod SLICES}; a slice learns of a new ticker from its first announcement, or from
 * the journal's list of persistence ids at its next sweep (one runs as the slice starts).
 */
final class TickerHistoryProjection {

  /** Fixed: every node must agree on it (changing it re-assigns tickers, which is safe). */
  static final int SLICES = 4;

  private static final String PID_PREFIX = TickerEntity.ENTITY_KEY.name() + "|";
  /** Live per-ticker queries a slice runs at once; tickers beyond it would wait. */
  private static final int MAX_TICKERS_PER_SLICE = 10_000;
  /** Writes in flight across tickers; one ticker's events are written one after another. */
  private static final int WRITE_PARALLELISM = 16;
  /**
   * Events of one ticker written in one go at most: they gather while the ticker's previous write
   * is in flight (a fast replay), one at a time when the feed is live.
   */
  private static final int MAX_RUN = 256;
  private static final int PROGRESS_BATCH = 1_000;
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);
  private static final RestartSettings RESTART = RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);

  private TickerHistoryProjection() {}

  /**
   * tickcast.history.
   *
   * @param readInterval the least time between two reads of one ticker's journal
   * @param sweepInterval how often every ticker's journal is read, announced or not
   */
  record Settings(Duration readInterval, Duration sweepInterval) {
    static Settings fromConfig(Config history) {
      return new Settings(history.getDuration("read-interval"), history.getDuration("sweep-interval"));
    }
  }

  sealed interface Command {}

  /** Sent by the daemon process when the slice moves or the node shuts down. */
  record Stop() implements Command {}

  /** A ticker's entity wrote events (published for subscribers; any ticker, any slice). */
  private record Announced(TickerUpdate update) implements Command {}

  /** One journal event of one ticker; {@code firstBar}: the ticker's first bar. */
  record Projected(String ticker, long sequenceNr, Object event, boolean firstBar) {}

  static void init(
      ActorSystem<?> system,
      CompletionStage<CqlSession> session,
      String keyspace,
      ActorRef<Topic.Command<TickerUpdate>> updates,
      Settings settings) {
    ShardedDaemonProcess.get(system)
        .init(
            Command.class,
            "ticker-history",
            SLICES,
            slice -> slice(slice, session, keyspace, updates, settings),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(new Stop()));
  }

  static int sliceOf(String ticker) {
    return Math.floorMod(ticker.hashCode(), SLICES);
  }

  private static Behavior<Command> slice(
      int slice,
      CompletionStage<CqlSession> session,
      String keyspace,
      ActorRef<Topic.Command<TickerUpdate>> updates,
      Settings settings) {
    return Behaviors.setup(
        ctx -> {
          ActorSystem<?> system = ctx.getSystem();
          CassandraReadJournal journal =
              PersistenceQuery.get(system).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
          WakeUps wakeUps = new WakeUps();
          updates.tell(Topic.subscribe(ctx.messageAdapter(TickerUpdate.class, Announced::new)));
          // A failure anywhere restarts the slice from the saved positions.
          UniqueKillSwitch running =
              RestartSource.withBackoff(
                      RESTART,
                      () ->
                          Source.completionStage(session.thenCompose(s -> TickerHistoryStore.prepare(s, keyspace)))
                              .flatMapConcat(store -> project(slice, store, journal, wakeUps, settings)))
                  .viaMat(KillSwitches.single(), Keep.right())
                  .to(Sink.ignore())
                  .run(system);
          ctx.getLog().info("History projection slice {} of {} started", slice, SLICES);
          return Behaviors.receive(Command.class)
              .onMessage(
                  Announced.class,
                  announced -> {
                    String ticker = announced.update().ticker();
                    if (sliceOf(ticker) == slice) {
                      wakeUps.announce(ticker);
                    }
                    return Behaviors.same();
                  })
              .onMessage(Stop.class, stop -> Behaviors.stopped())
              .onSignal(
                  PostStop.class,
                  signal -> {
                    running.shutdown();
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /** Never completes: new tickers and new events keep coming. Emits once per saved batch. */
  static Source<Done, NotUsed> project(
      int slice, TickerHistoryStore store, CassandraReadJournal journal, WakeUps wakeUps, Settings settings) {
    Source<String, NotUsed> swept =
        Source.tick(Duration.ZERO, settings.sweepInterval(), Done.done())
            .mapMaterializedValue(timer -> NotUsed.notUsed())
            .flatMapConcat(sweep -> journal.currentPersistenceIds())
            .filter(pid -> pid.startsWith(PID_PREFIX))
            .map(pid -> pid.substring(PID_PREFIX.length()))
            .filter(ticker -> sliceOf(ticker) == slice);
    return swept
        .merge(wakeUps.unknownTickers())
        // A ticker seen for the first time gets its stream (which reads at once); one seen again
        // (a sweep, an announcement that crossed its stream's start) is read again.
        .statefulMapConcat(
            () -> {
              Set<String> known = new HashSet<>();
              return ticker -> {
                if (known.add(ticker)) {
                  return List.of(ticker);
                }
                wakeUps.wakeUp(ticker);
                return List.of();
              };
            })
        .flatMapMerge(MAX_TICKERS_PER_SLICE, ticker -> events(ticker, store, journal, wakeUps, settings))
        .mapAsyncPartitioned(
            WRITE_PARALLELISM,
            run -> run.get(0).ticker(),
            (run, ticker) -> store.apply(ticker, run).thenApply(done -> run))
        .groupedWithin(PROGRESS_BATCH, PROGRESS_INTERVAL)
        .mapAsync(1, written -> saveProgress(store, written));
  }

  /**
   * The ticker's events after its saved position, read at once and then on each wake-up, in runs of
   * those that arrived meanwhile.
   */
  private static Source<List<Projected>, NotUsed> events(
      String ticker, TickerHistoryStore store, CassandraReadJournal journal, WakeUps wakeUps, Settings settings) {
    return Source.completionStage(store.progress(ticker))
        .flatMapConcat(
            progress -> {
              AtomicLong next = new AtomicLong(progress.sequenceNr() + 1);
              return wakeUps
                  .reads(ticker)
                  .throttle(1, settings.readInterval(), 1, ThrottleMode.shaping())
                  .flatMapConcat(read -> journal.currentEventsByPersistenceId(PID_PREFIX + ticker, next.get(), Long.MAX_VALUE))
                  // A read may start before the last events of the one before it got here: skip them.
                  .filter(envelope -> envelope.sequenceNr() >= next.get())
                  .map(
                      envelope -> {
                        next.set(envelope.sequenceNr() + 1);
                        return envelope;
                      })
                  .statefulMap(
                      () -> progress.firstBar() != null,
                      (firstBarKnown, envelope) -> {
                        boolean first = !firstBarKnown && envelope.event() instanceof TickerEntity.BarClosed;
                        return Pair.create(
                            firstBarKnown || first, new Projected(ticker, envelope.sequenceNr(), envelope.event(), first));
                      },
                      firstBarKnown -> Optional.empty())
                  .batch(
                      MAX_RUN,
                      first -> {
                        List<Projected> run = new ArrayList<>();
                        run.add(first);
                        return run;
                      },
                      (run, more) -> {
                        run.add(more);
                        return run;
                      });
            });
  }

  /**
   * Where announcements meet the running slice: per ticker, a queue holding its next read (one at
   * most: a wake-up while one is due changes nothing), and a queue of announced tickers the slice
   * has no stream for yet.
   */
  static final class WakeUps {
    /** Announced tickers held for the slice; beyond it they are dropped and the next sweep finds them. */
    private static final int UNKNOWN_CAPACITY = 1_024;

    private final Map<String, BoundedSourceQueue<Done>> reads = new ConcurrentHashMap<>();
    private volatile BoundedSourceQueue<String> unknown;

    /** The ticker wrote events: a read of its journal, or the ticker to the slice if it has no stream. */
    void announce(String ticker) {
      if (!wakeUp(ticker) && unknown != null) {
        unknown.offer(ticker);
      }
    }

    /**
     * Asks the ticker's stream for a read (from any thread); false if it has none registered. A
     * stream still starting needs none: it reads at once when it registers.
     */
    boolean wakeUp(String ticker) {
      BoundedSourceQueue<Done> read = reads.get(ticker);
      if (read == null) {
        return false;
      }
      read.offer(Done.done()); // dropped when a read is already due
      return true;
    }

    /** Wake-ups of one ticker's stream, the first at once; registered while it runs. */
    Source<Done, NotUsed> reads(String ticker) {
      return Source.<Done>queue(1)
          .mapMaterializedValue(
              queue -> {
                reads.put(ticker, queue);
                queue.offer(Done.done());
                return queue;
              })
          .watchTermination(
              (queue, terminated) -> {
                terminated.whenComplete((done, failure) -> reads.remove(ticker, queue));
                return NotUsed.notUsed();
              });
    }

    /** Tickers announced while the slice had no stream for them. */
    Source<String, NotUsed> unknownTickers() {
      return Source.<String>queue(UNKNOWN_CAPACITY)
          .mapMaterializedValue(
              queue -> {
                unknown = queue;
                return NotUsed.notUsed();
              });
    }
  }

  /** Saves, per ticker, the last written event's position and the newest bar among them. */
  private static CompletionStage<Done> saveProgress(TickerHistoryStore store, List<List<Projected>> written) {
    Map<String, Projected> last = new LinkedHashMap<>();
    Map<String, Instant> lastBar = new LinkedHashMap<>();
    for (List<Projected> run : written) {
      for (Projected p : run) {
        last.put(p.ticker(), p);
        if (p.event() instanceof TickerEntity.BarClosed closed) {
          lastBar.put(p.ticker(), closed.bar().start());
        }
      }
    }
    CompletableFuture<?>[] saves =
        last.values().stream()
            .map(p -> store.saveProgress(p.ticker(), p.sequenceNr(), lastBar.get(p.ticker())).toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(saves).thenApply(done -> Done.done());
  }
}
