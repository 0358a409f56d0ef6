package io.tickcast.node;

import io.tickcast.actors.StreamHub;
import io.tickcast.actors.TickerEntity;
import io.tickcast.http.HistoryPage;
import io.tickcast.http.HistoryQuery;
import io.tickcast.http.TickerService;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.TickerView;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/** {@link TickerService} on top of cluster sharding (queries) and distributed pub-sub (stream). */
final class ShardedTickerService implements TickerService {

  private static final String PID_PREFIX = TickerEntity.ENTITY_KEY.name() + "|";

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ActorRef<StreamHub.Command> streamHub;
  private final CassandraReadJournal journal;
  private final IngestStats stats;
  private final CompletionStage<TickerHistoryStore> history;
  private final Duration askTimeout;
  private final int clientBuffer;
  private final LatestViews latest;

  /** @param latest this node's copy of the views, kept by {@link LatestViews#subscriber} */
  ShardedTickerService(
      ActorSystem<?> system,
      ActorRef<StreamHub.Command> streamHub,
      LatestViews latest,
      IngestStats stats,
      CompletionStage<TickerHistoryStore> history,
      Duration askTimeout,
      int clientBuffer) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.streamHub = streamHub;
    this.journal =
        PersistenceQuery.get(system).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    this.stats = stats;
    this.history = history;
    this.askTimeout = askTimeout;
    this.clientBuffer = clientBuffer;
    this.latest = latest;
  }

  @Override
  public CompletionStage<List<TickerView>> all() {
    // The journal's persistence-id table is the durable list of tickers ever seen.
    return journal
        .currentPersistenceIds()
        .filter(pid -> pid.startsWith(PID_PREFIX))
        .map(pid -> pid.substring(PID_PREFIX.length()))
        .mapAsyncUnordered(8, this::view)
        .mapConcat(view -> view.map(List::of).orElse(List.of()))
        .runWith(Sink.seq(), system)
        .thenApply(views -> views.stream().sorted(Comparator.comparing(TickerView::ticker)).toList());
  }

  @Override
  public CompletionStage<Optional<TickerView>> view(String ticker) {
    Optional<LatestViews.Lookup> cached = latest.lookup(ticker);
    if (cached.isEmpty()) {
      return ask(ticker);
    }
    if (cached.get().revalidate()) {
      ask(ticker).whenComplete((view, failure) -> {
        if (failure != null || view.isEmpty()) { // else confirmed by ask
          latest.revalidationFailed(ticker);
        }
      });
    }
    return CompletableFuture.completedFuture(Optional.of(cached.get().view()));
  }

  /** The entity's own view, kept in {@link #latest}. */
  private CompletionStage<Optional<TickerView>> ask(String ticker) {
    return sharding
        .entityRefFor(TickerEntity.ENTITY_KEY, ticker)
        .<TickerEntity.ViewReply>ask(TickerEntity.GetView::new, askTimeout)
        .thenApply(
            reply -> {
              if (reply.view() != null) {
                latest.confirmed(reply.view());
              }
              return Optional.ofNullable(reply.view());
            });
  }

  @Override
  public CompletionStage<Optional<HistoryPage>> history(String ticker, HistoryQuery query) {
    return history.thenCompose(
        store ->
            store
                .progress(ticker)
                .thenCompose(
                    progress ->
                        progress.sequenceNr() > 0
                            ? store.page(ticker, query, progress).thenApply(Optional::of)
                            // Not projected yet: known to its entity (an empty page) or never seen.
                            : view(ticker).thenApply(view -> view.map(v -> HistoryPage.EMPTY))));
  }

  @Override
  public Source<StreamEvent, NotUsed> updates(StreamEvent.Subscription subscription) {
    // Each client gets its own actor and bounded buffer (the HTTP layer conflates behind it).
    // Overflowing it ends the stream rather than silently dropping: the client reconnects with
    // its Last-Event-ID and is replayed what it missed. The hub forgets the actor when it stops.
    return ActorSource.<StreamEvent>actorRef(msg -> false, msg -> Optional.empty(), clientBuffer, OverflowStrategy.fail())
        .mapMaterializedValue(
            subscriber -> {
              streamHub.tell(new StreamHub.Subscribe(subscription, subscriber));
              return NotUsed.getInstance();
            });
  }

  @Override
  public IngestCounts ingestCounts() {
    return stats.snapshot();
  }
}
