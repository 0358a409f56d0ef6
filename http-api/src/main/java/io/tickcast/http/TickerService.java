package io.tickcast.http;

import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.TickerView;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What the HTTP layer needs from the cluster. The node implements it with sharding and pub-sub;
 * the routes know nothing of actors, so they can be tested on their own.
 */
public interface TickerService {

  /** Every ticker that has state, with its latest view, sorted by ticker. */
  CompletionStage<List<TickerView>> all();

  /** The latest view of one ticker; empty when the ticker has never been seen. */
  CompletionStage<Optional<TickerView>> view(String ticker);

  /**
   * Live updates from every node of the cluster, from now on. Each materialization is one
   * subscriber with its own bounded buffer, so a slow client cannot slow the entities or other
   * clients; the subscription ends when the stream is cancelled.
   */
  Source<TickerView, NotUsed> updates();

  IngestCounts ingestCounts();
}
