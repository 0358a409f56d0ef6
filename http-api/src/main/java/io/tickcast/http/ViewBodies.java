package io.tickcast.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.TickerView;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.util.ByteString;

/**
 * One route's JSON bodies made from tickers' latest views, serialized once per view instead of
 * once per request: the query routes answer thousands of reads a second from views that change
 * once per bar, and Jackson was a tenth of their CPU. A body is reused while the view it was made
 * from is the very same object; views are immutable and replaced, never changed, so a new view
 * (even an equal one) simply makes a new body. A view may have no body (a prediction not made
 * yet, features still warming up): that answer is kept the same way, so it is decided once too.
 */
final class ViewBodies<T> {

  /** JSON bytes as {@code application/json}, with Pekko's content negotiation (406 if refused). */
  static final Marshaller<ByteString, RequestEntity> JSON =
      Marshaller.withFixedContentType(
          ContentTypes.APPLICATION_JSON, json -> (RequestEntity) HttpEntities.create(ContentTypes.APPLICATION_JSON, json));

  private record Body(TickerView view, Optional<ByteString> json) {}

  private final ConcurrentHashMap<String, Body> bodies = new ConcurrentHashMap<>();
  private final Function<TickerView, Optional<T>> body;

  /** @param body what the route answers for a view (the view itself, its prediction, ...), if any */
  ViewBodies(Function<TickerView, Optional<T>> body) {
    this.body = body;
  }

  /**
   * The JSON of {@code body(view)}, empty when the view has no body; one entry per ticker, so
   * memory follows the ticker count.
   */
  Optional<ByteString> json(TickerView view) {
    Body cached = bodies.get(view.ticker());
    if (cached != null && cached.view() == view) {
      return cached.json();
    }
    Optional<ByteString> json = body.apply(view).map(ViewBodies::write);
    bodies.put(view.ticker(), new Body(view, json));
    return json;
  }

  private static ByteString write(Object value) {
    try {
      return ByteString.fromArrayUnsafe(Json.MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the JSON of " + value, e);
    }
  }
}
