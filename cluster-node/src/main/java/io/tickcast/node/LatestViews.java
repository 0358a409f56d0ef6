package io.tickcast.node;

import io.tickcast.protocols.PredictionUpdate;
import io.tickcast.protocols.TickerUpdate;
import io.tickcast.protocols.TickerView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's copy of every ticker's latest view, kept from the updates the entities publish to
 * the whole cluster, so that the query routes answer from memory instead of asking an entity (a
 * sharding round trip, five thread hand-offs, on whichever node hosts it) for every request.
 *
 * <p>A view here is what the entity would answer, built from its own published {@link TickerView}
 * and the {@link PredictionUpdate}s about that view's bar ({@link TickerView#with}); a view never
 * goes back to an older sequence number. Watch changes are events without a published view, so
 * a view's {@code sequenceNr} may trail the entity's by them. Pub-sub delivery is at most once: an
 * entry not confirmed for {@code maxAge} is still served, and the caller asks its entity again
 * ({@link Lookup#revalidate}), so a lost message leaves a view stale for at most about that long.
 */
final class LatestViews {

  /** A cached view, and whether its entity should be asked again (at most one caller is told so). */
  record Lookup(TickerView view, boolean revalidate) {}

  private record Entry(TickerView view, long confirmedNanos, boolean revalidating) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final long maxAgeNanos;
  private final LongSupplier nanoClock;

  LatestViews(Duration maxAge, LongSupplier nanoClock) {
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoClock = nanoClock;
  }

  /** Empty when this node holds no view of the ticker: ask its entity, then {@link #confirmed}. */
  Optional<Lookup> lookup(String ticker) {
    Entry entry = entries.get(ticker);
    if (entry == null) {
      return Optional.empty();
    }
    if (entry.revalidating() || nanoClock.getAsLong() - entry.confirmedNanos() < maxAgeNanos) {
      return Optional.of(new Lookup(entry.view(), false));
    }
    Entry claimed = new Entry(entry.view(), entry.confirmedNanos(), true);
    return Optional.of(new Lookup(entry.view(), entries.replace(ticker, entry, claimed)));
  }

  /** The tickers this node holds a view of, in no particular order. */
  List<String> tickers() {
    return List.copyOf(entries.keySet());
  }

  /** The entity's own answer: replaces the view unless a newer one arrived meanwhile. */
  void confirmed(TickerView view) {
    long now = nanoClock.getAsLong();
    entries.compute(
        view.ticker(),
        (ticker, entry) ->
            entry == null || view.sequenceNr() >= entry.view().sequenceNr()
                ? new Entry(view, now, false)
                : new Entry(entry.view(), now, false));
  }

  /** The entity asked to revalidate did not answer; the next lookup past the age tries again. */
  void revalidationFailed(String ticker) {
    entries.computeIfPresent(ticker, (t, entry) -> new Entry(entry.view(), entry.confirmedNanos(), false));
  }

  /** An update published by an entity, on this node or another. */
  void published(TickerUpdate update) {
    if (update instanceof TickerView view) {
      confirmed(view);
    } else if (update instanceof PredictionUpdate prediction) {
      long now = nanoClock.getAsLong();
      entries.computeIfPresent(
          prediction.ticker(),
          (ticker, entry) ->
              entry.view().bar().start().equals(prediction.asOf()) && prediction.sequenceNr() >= entry.view().sequenceNr()
                  ? new Entry(entry.view().with(prediction), now, entry.revalidating())
                  : entry);
    } // alerts do not change a view
  }

  /** Subscribes to the cluster's ticker updates and keeps {@code views} with them. */
  static Behavior<TickerUpdate> subscriber(ActorRef<Topic.Command<TickerUpdate>> updates, LatestViews views) {
    return Behaviors.setup(
        ctx -> {
          updates.tell(Topic.subscribe(ctx.getSelf()));
          return Behaviors.receiveMessage(
              update -> {
                views.published(update);
                return Behaviors.same();
              });
        });
  }
}
