package io.tickcast.http;

import io.tickcast.model.ModelMetadata;
import io.tickcast.protocols.LiveScore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** What the HTTP layer needs from the model registry; the node implements it. */
public interface ModelCatalog {

  /** Every registered version, newest first per model, with its aliases and live score. */
  CompletionStage<List<ModelEntry>> models();

  /**
   * Points {@code alias} of {@code model} at a version. Fails with {@link Refused} for requests
   * the registry refuses (unknown model or version, a champion that did not beat the random walk
   * without {@code force}).
   *
   * @return the alias moves made (assigning a challenger as champion also clears the challenger)
   */
  CompletionStage<List<AliasMove>> assign(String model, AssignAlias request, String by);

  /**
   * @param aliases the aliases pointing at this version
   * @param live the version's live score summed over all tickers (null before any resolved)
   */
  record ModelEntry(ModelMetadata metadata, Instant registeredAt, String registeredBy, List<String> aliases, LiveScore live) {}

  /** The body of {@code POST /api/v1/models/{name}/aliases}. */
  record AssignAlias(String alias, String version, String reason, Boolean force) {}

  record AliasMove(String model, String alias, String version, String previousVersion, Instant at, String by, String reason, boolean forced) {}
}
