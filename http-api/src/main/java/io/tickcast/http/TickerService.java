package io.tickcast.http;

import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.StreamEvent;
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
   * A page of the ticker's bar history (bars, the predictions made from them and their
   * outcomes), from the read table a projection of the journal keeps; it trails the entity by a
   * few seconds. Empty when the ticker has never been seen.
   */
  CompletionStage<Optional<HistoryPage>> history(String ticker, HistoryQuery query);

  /**
   * Live updates from every node of the cluster, positioned in this node's stream; with a last
   * position, first what the client missed since (or a gap notice). Each materialization is one
   * subscriber with its own stream, so a slow client cannot slow the entities or other clients;
   * the subscription ends when the stream is cancelled.
   */
  Source<StreamEvent, NotUsed> updates(StreamEvent.Subscription subscription);

  IngestCounts ingestCounts();
}
