package io.tickcast.node;

import io.tickcast.actors.TickerEntity;
import io.tickcast.actors.TickerEntity.AddWatch;
import io.tickcast.actors.TickerEntity.GetWatch;
import io.tickcast.actors.TickerEntity.GetWatches;
import io.tickcast.actors.TickerEntity.RemoveWatch;
import io.tickcast.actors.TickerEntity.WatchList;
import io.tickcast.actors.TickerEntity.WatchOk;
import io.tickcast.actors.TickerEntity.WatchRefused;
import io.tickcast.actors.TickerEntity.WatchReply;
import io.tickcast.http.Refused;
import io.tickcast.http.TickerService;
import io.tickcast.http.WatchService;
import io.tickcast.protocols.AlertUpdate;
import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.Watch;
import io.tickcast.protocols.WatchView;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WatchService} on the ticker entities, which hold the watches (a watch id names its
 * ticker, so reads and removals go straight to the entity), and {@link CassandraWatchIndex} for
 * listing an owner's watches.
 *
 * <p>Why an index rather than asking every entity: a listing then costs one partition read and
 * one ask per ticker the owner watches, however many tickers the cluster has, where asking all
 * entities would wake every ticker for each listing. The index row is written before the entity
 * persists the watch and deleted after the entity removed it, so a listing never misses a watch;
 * a row whose create failed half-way names no watch and is ignored, as what is listed is what the
 * entities answer.
 */
final class ShardedWatchService implements WatchService {

  private static final Logger log = LoggerFactory.getLogger(ShardedWatchService.class);
  private static final int PARALLEL_ASKS = 8;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final CompletionStage<CassandraWatchIndex> index;
  private final TickerService tickers;
  private final Duration askTimeout;
  private final Clock clock;

  /** @param tickers whose update stream carries the alerts */
  ShardedWatchService(
      ActorSystem<?> system, CompletionStage<CassandraWatchIndex> index, TickerService tickers, Duration askTimeout, Clock clock) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.index = index;
    this.tickers = tickers;
    this.askTimeout = askTimeout;
    this.clock = clock;
  }

  @Override
  public CompletionStage<WatchView> add(String owner, NewWatch request) {
    Watch watch =
        new Watch(
            Watch.newId(request.ticker()), owner, request.ticker(), request.condition(), request.cooldown(), request.delivery(),
            clock.instant());
    return index
        .thenCompose(i -> i.add(owner, watch.id(), watch.ticker()))
        .thenCompose(done -> entity(watch.ticker()).<WatchReply>ask(replyTo -> new AddWatch(watch, replyTo), askTimeout))
        .thenCompose(
            reply -> {
              if (reply instanceof WatchOk ok) {
                return CompletableFuture.completedFuture(ok.watch());
              }
              // Nothing was created, so the row goes again (a listing would ignore it anyway).
              return unindex(owner, watch.id()).thenApply(done -> { throw refused((WatchRefused) reply); });
            });
  }

  @Override
  public CompletionStage<List<WatchView>> list(String owner) {
    return index
        .thenCompose(i -> i.tickers(owner))
        .thenCompose(
            watched ->
                Source.from(watched)
                    .mapAsyncUnordered(
                        PARALLEL_ASKS, ticker -> entity(ticker).<WatchList>ask(replyTo -> new GetWatches(owner, replyTo), askTimeout))
                    .mapConcat(WatchList::watches)
                    .runWith(Sink.seq(), system))
        .thenApply(
            watches ->
                watches.stream().sorted(Comparator.comparing(WatchView::createdAt).thenComparing(WatchView::id)).toList());
  }

  @Override
  public CompletionStage<Optional<WatchView>> get(String watchId) {
    Optional<String> ticker = Watch.tickerOf(watchId);
    if (ticker.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return entity(ticker.get())
        .<WatchReply>ask(replyTo -> new GetWatch(watchId, replyTo), askTimeout)
        .thenApply(reply -> reply instanceof WatchOk ok ? Optional.of(ok.watch()) : Optional.empty());
  }

  @Override
  public CompletionStage<WatchView> remove(String watchId, String owner) {
    Optional<String> ticker = Watch.tickerOf(watchId);
    if (ticker.isEmpty()) {
      return CompletableFuture.failedFuture(new Refused("unknown-watch", 404, "there is no watch " + watchId));
    }
    return entity(ticker.get())
        .<WatchReply>ask(replyTo -> new RemoveWatch(watchId, owner, replyTo), askTimeout)
        .thenCompose(
            reply -> {
              if (reply instanceof WatchOk ok) {
                return unindex(owner, watchId).thenApply(done -> ok.watch());
              }
              throw refused((WatchRefused) reply);
            });
  }

  /**
   * The alert events of the updates stream that are {@code owner}'s, and the gap notices that
   * concern them: those of no ticker (the position is unknown) and those of a ticker the owner
   * watches. Gap notices only come first, while what was missed is replayed, so the tickers
   * watched when the client connects are the ones that matter.
   */
  @Override
  public Source<StreamEvent, NotUsed> alerts(String owner, Optional<String> lastEventId) {
    return Source.completionStage(index.thenCompose(i -> i.tickers(owner)))
        .flatMapConcat(
            watched ->
                tickers
                    .updates(new StreamEvent.Subscription(Set.of(), Set.of("alert"), lastEventId))
                    .filter(
                        event ->
                            event instanceof StreamEvent.Positioned p
                                ? p.update() instanceof AlertUpdate alert && alert.owner().equals(owner)
                                : ((StreamEvent.Gap) event).ticker() == null || watched.contains(((StreamEvent.Gap) event).ticker())))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private EntityRef<TickerEntity.Command> entity(String ticker) {
    return sharding.entityRefFor(TickerEntity.ENTITY_KEY, ticker);
  }

  /** Deletes an index row; a failure only leaves a row that listings ignore. */
  private CompletionStage<Done> unindex(String owner, String watchId) {
    return index
        .thenCompose(i -> i.remove(owner, watchId))
        .exceptionally(
            failure -> {
              log.warn("Could not delete the index row of watch {} of {}: {}", watchId, owner, failure.toString());
              return Done.done();
            });
  }

  private static Refused refused(WatchRefused refusal) {
    int status = refusal.code().equals("forbidden") ? 403 : 404;
    return new Refused(refusal.code(), status, refusal.reason());
  }
}
