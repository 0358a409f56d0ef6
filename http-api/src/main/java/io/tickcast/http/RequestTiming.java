package io.tickcast.http;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Reports every answered request (method, status, nanoseconds from the start of routing to the
 * response) to a {@link Sink}: the node's HTTP latency metric. For a stream the time is that of
 * its response headers. Wrap the whole API, outside its exception and rejection handlers, so
 * errors and refusals are counted with the status they were answered with.
 *
 * <p>The node records this itself instead of through Kamon's Pekko HTTP instrumentation, which
 * builds a span per request and costs the query path more CPU than the rest of its metrics.
 */
public final class RequestTiming extends AllDirectives {

  /** Where the timings go; called on the thread that completes the response, so it must be cheap. */
  @FunctionalInterface
  public interface Sink {
    void record(String method, int status, long nanos);
  }

  private final Sink sink;

  public RequestTiming(Sink sink) {
    this.sink = sink;
  }

  public Route wrap(Route inner) {
    return extractRequest(
        request -> {
          long start = System.nanoTime();
          return mapResponse(
              response -> {
                sink.record(request.method().value(), response.status().intValue(), System.nanoTime() - start);
                return response;
              },
              () -> inner);
        });
  }
}
