package io.tickcast.node;

import io.tickcast.http.ModelCatalog;
import io.tickcast.http.Refused;
import io.tickcast.http.TickerService;
import io.tickcast.persistence.ModelRegistry;
import io.tickcast.persistence.ModelRegistry.Alias;
import io.tickcast.persistence.ModelRegistry.RegistryException;
import io.tickcast.persistence.ModelRegistry.VersionInfo;
import io.tickcast.protocols.LiveScore;
import io.tickcast.protocols.TickerView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * {@link ModelCatalog} on the Cassandra model registry. Live scores are summed over every
 * ticker's entity at query time, so they are exact for the whole cluster; a promotion is
 * announced on the cluster topic so every node's pool switches at once.
 */
final class RegistryModelCatalog implements ModelCatalog {

  private final CompletionStage<ModelRegistry> registry;
  private final TickerService tickers;
  private final ActorRef<Topic.Command<ModelChampionWatcher.AliasesChanged>> announcements;

  RegistryModelCatalog(
      CompletionStage<ModelRegistry> registry,
      TickerService tickers,
      ActorRef<Topic.Command<ModelChampionWatcher.AliasesChanged>> announcements) {
    this.registry = registry;
    this.tickers = tickers;
    this.announcements = announcements;
  }

  @Override
  public CompletionStage<List<ModelEntry>> models() {
    return registry
        .thenCompose(ModelRegistry::versions)
        .thenCombine(tickers.all(), (versions, views) -> entries(versions, liveScores(views)));
  }

  private static Map<String, LiveScore> liveScores(List<TickerView> views) {
    Map<String, LiveScore> sum = new HashMap<>();
    for (TickerView view : views) {
      view.scores().forEach((model, score) -> sum.merge(model, score, LiveScore::plus));
    }
    return sum;
  }

  private static List<ModelEntry> entries(List<VersionInfo> versions, Map<String, LiveScore> live) {
    return versions.stream()
        .map(
            v ->
                new ModelEntry(
                    v.metadata(),
                    v.registeredAt(),
                    v.registeredBy(),
                    v.aliases().stream().map(a -> a.alias().id()).toList(),
                    live.get(v.metadata().name() + "@" + v.metadata().version())))
        .toList();
  }

  @Override
  public CompletionStage<List<AliasMove>> assign(String model, AssignAlias request, String by) {
    return registry
        .thenCompose(
            r ->
                r.assign(
                    model,
                    Alias.parse(request.alias()),
                    request.version(),
                    by,
                    request.reason() == null ? "assigned through the HTTP API" : request.reason(),
                    Boolean.TRUE.equals(request.force())))
        .thenApply(
            events -> {
              announcements.tell(Topic.publish(new ModelChampionWatcher.AliasesChanged(model)));
              return events.stream()
                  .map(e -> new AliasMove(e.name(), e.alias().id(), e.version(), e.previousVersion(), e.at(), e.by(), e.reason(), e.forced()))
                  .toList();
            })
        .exceptionally(
            failure -> {
              throw RegistryException.in(failure)
                  .<RuntimeException>map(e -> new Refused(e.code().id(), status(e.code()), e.getMessage()))
                  .orElseGet(() -> failure instanceof CompletionException c ? c : new CompletionException(failure));
            });
  }

  private static int status(ModelRegistry.Code code) {
    return switch (code) {
      case UNKNOWN_MODEL, UNKNOWN_VERSION -> 404;
      case UNKNOWN_ALIAS, INVALID_METADATA -> 400;
      case VERSION_CONFLICT, NOT_PROMOTABLE, ALIAS_CONFLICT -> 409;
      case CHECKSUM_MISMATCH, INCOMPATIBLE_SCHEMA -> 422;
    };
  }
}
