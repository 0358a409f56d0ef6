package io.tickcast.actors;

import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.StreamEvent.Gap;
import io.tickcast.protocols.StreamEvent.Positioned;
import io.tickcast.protocols.StreamEvent.Subscription;
import io.tickcast.protocols.TickerUpdate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * One per node: receives every ticker update of the cluster (from the updates topic), numbers
 * them in arrival order and fans them out to this node's stream clients. It keeps the last
 * {@code perTicker} updates of each ticker, so a client that reconnects with its last position
 * ({@code Last-Event-ID}) gets what it missed, in order, before anything live, and is told
 * explicitly ({@link Gap}) when that is no longer possible. Positions are {@code EPOCH-N}: the
 * epoch names this hub's incarnation, so a position from another node or before a restart is
 * recognised as unknown rather than misread.
 *
 * <p>Telling client actors never blocks: each client's own stream decides what to do when it
 * falls behind, so a slow client cannot slow the entities or the other clients.
 */
public final class StreamHub extends AbstractBehavior<StreamHub.Command> {

  public sealed interface Command {}

  /** Subscribes {@code client} until it stops (its stream ended). */
  public record Subscribe(Subscription subscription, ActorRef<StreamEvent> client) implements Command {}

  private record Published(TickerUpdate update) implements Command {}

  public static Behavior<Command> create(ActorRef<Topic.Command<TickerUpdate>> updates, int perTicker) {
    return Behaviors.setup(
        ctx -> {
          updates.tell(Topic.subscribe(ctx.messageAdapter(TickerUpdate.class, Published::new)));
          return new StreamHub(ctx, perTicker);
        });
  }

  private record Entry(long position, TickerUpdate update) {}

  /** A ticker's recent updates; {@code evictedUpTo}: the newest position no longer held. */
  private static final class Recent {
    final ArrayDeque<Entry> entries = new ArrayDeque<>();
    long evictedUpTo;
  }

  private final String epoch;
  private final int perTicker;
  private final Map<String, Recent> recent = new HashMap<>();
  private final Map<ActorRef<StreamEvent>, Subscription> clients = new HashMap<>();
  private long position;

  private StreamHub(ActorContext<Command> ctx, int perTicker) {
    super(ctx);
    this.perTicker = perTicker;
    this.epoch =
        Long.toString(System.currentTimeMillis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Published.class, this::onPublished)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onSignal(Terminated.class, t -> onClientGone(t.getRef()))
        .build();
  }

  private Behavior<Command> onPublished(Published published) {
    TickerUpdate update = published.update();
    Entry entry = new Entry(++position, update);
    Recent r = recent.computeIfAbsent(update.ticker(), t -> new Recent());
    r.entries.addLast(entry);
    if (r.entries.size() > perTicker) {
      r.evictedUpTo = r.entries.removeFirst().position();
    }
    Positioned event = positioned(entry);
    clients.forEach(
        (client, subscription) -> {
          if (subscription.wants(update)) {
            client.tell(event);
          }
        });
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe subscribe) {
    Subscription subscription = subscribe.subscription();
    ActorRef<StreamEvent> client = subscribe.client();
    subscription.lastEventId().ifPresent(id -> replay(subscription, id, client));
    clients.put(client, subscription);
    getContext().watch(client);
    return this;
  }

  /** Sends {@code client} what it missed after {@code lastEventId}, oldest first, or a gap. */
  private void replay(Subscription subscription, String lastEventId, ActorRef<StreamEvent> client) {
    long after = positionOf(lastEventId);
    if (after < 0) {
      client.tell(
          new Gap(
              null,
              "position " + lastEventId + " is unknown to this node (it restarted, or this is another node): "
                  + "re-read the state from /api/v1/tickers"));
      return;
    }
    List<Entry> missed = new ArrayList<>();
    recent.forEach(
        (ticker, r) -> {
          if (!subscription.tickers().isEmpty() && !subscription.tickers().contains(ticker)) {
            return;
          }
          if (r.evictedUpTo > after) {
            client.tell(
                new Gap(
                    ticker,
                    "updates of " + ticker + " after " + lastEventId + " are no longer buffered: re-read /api/v1/tickers/" + ticker));
            return;
          }
          r.entries.stream().filter(e -> e.position() > after && subscription.wants(e.update())).forEach(missed::add);
        });
    missed.sort(Comparator.comparingLong(Entry::position));
    missed.forEach(e -> client.tell(positioned(e)));
  }

  /** The position in {@code id} if it is one of this hub's; -1 otherwise. */
  private long positionOf(String id) {
    int dash = id.lastIndexOf('-');
    if (dash <= 0 || !id.substring(0, dash).equals(epoch)) {
      return -1;
    }
    try {
      long p = Long.parseLong(id.substring(dash + 1));
      return p >= 0 && p <= position ? p : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private Positioned positioned(Entry entry) {
    return new Positioned(epoch + "-" + entry.position(), entry.update());
  }

  private Behavior<Command> onClientGone(ActorRef<Void> client) {
    clients.keySet().removeIf(c -> c.equals(client));
    return this;
  }
}
