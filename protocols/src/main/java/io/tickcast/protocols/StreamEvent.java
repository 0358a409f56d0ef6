package io.tickcast.protocols;

import java.util.Optional;
import java.util.Set;

/**
 * What a stream client receives: updates with their position in this node's stream, or a notice
 * that updates it asked to resume from can no longer be replayed.
 */
public sealed interface StreamEvent extends CborSerializable permits StreamEvent.Positioned, StreamEvent.Gap {

  /**
   * @param id the update's position in the node's stream, increasing; a client resumes after it
   *     ({@code Last-Event-ID})
   */
  record Positioned(String id, TickerUpdate update) implements StreamEvent {}

  /**
   * Updates after the client's position were dropped from the replay buffer ({@code ticker} set),
   * or the position is unknown to this node ({@code ticker} null: the node restarted or the client
   * reconnected to another node). The client should re-read the state ({@code GET /tickers}).
   */
  record Gap(String ticker, String reason) implements StreamEvent {}

  /**
   * A client's subscription.
   *
   * @param tickers the tickers wanted; empty: all
   * @param eventTypes the update types wanted ({@link TickerUpdate#eventType()}); empty: all
   * @param lastEventId resume after this position, replaying what the buffer still holds
   */
  record Subscription(Set<String> tickers, Set<String> eventTypes, Optional<String> lastEventId) implements CborSerializable {

    public boolean wants(TickerUpdate update) {
      return (tickers.isEmpty() || tickers.contains(update.ticker()))
          && (eventTypes.isEmpty() || eventTypes.contains(update.eventType()));
    }
  }
}
