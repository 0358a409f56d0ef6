package io.tickcast.http;

import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.Watch;
import io.tickcast.protocols.WatchCondition;
import io.tickcast.protocols.WatchView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/** What the HTTP layer needs for watches and alerts; the node implements it. */
public interface WatchService {

  /**
   * Creates a watch owned by {@code owner}. Fails with {@link Refused} {@code unknown-ticker}
   * (404) for a ticker that has no data.
   */
  CompletionStage<WatchView> add(String owner, NewWatch watch);

  /** The watches of {@code owner}, oldest first. */
  CompletionStage<List<WatchView>> list(String owner);

  /** One watch, whoever owns it; empty when there is none. */
  CompletionStage<Optional<WatchView>> get(String watchId);

  /**
   * Removes a watch of {@code owner} and returns it as it was. Fails with {@link Refused} {@code
   * unknown-watch} (404) or {@code forbidden} (403, someone else's).
   */
  CompletionStage<WatchView> remove(String watchId, String owner);

  /**
   * The alerts of {@code owner}'s watches (delivered by SSE) from now on, positioned in this
   * node's stream like {@link TickerService#updates}; with a last position, first what the client
   * missed since, or a gap notice.
   */
  Source<StreamEvent, NotUsed> alerts(String owner, Optional<String> lastEventId);

  /** The body of {@code POST /api/v1/watches}, checked. */
  record NewWatch(String ticker, WatchCondition condition, Duration cooldown, Watch.Delivery delivery) {}
}
