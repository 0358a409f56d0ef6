package io.tickcast.node;

import io.tickcast.http.RequestTiming;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import kamon.Kamon;
import kamon.metric.Timer;
import kamon.tag.TagSet;

/**
 * The HTTP API's latency and request counts as the Kamon timer {@code tickcast.http.server.requests}
 * (Prometheus: {@code tickcast_http_server_requests_seconds_{bucket,count,sum}{method,status}},
 * buckets from 0.5 ms as set in {@code kamon.prometheus.buckets.custom}).
 */
final class HttpServerMetrics implements RequestTiming.Sink {

  static final String NAME = "tickcast.http.server.requests";

  /**
   * Timers by method, indexed by status. Filled lazily; two threads racing on a slot get the same
   * instrument from Kamon, so the race is harmless.
   */
  private final ConcurrentHashMap<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

  @Override
  public void record(String method, int status, long nanos) {
    AtomicReferenceArray<Timer> byStatus = timers.computeIfAbsent(method, m -> new AtomicReferenceArray<>(1000));
    if (status < 0 || status >= byStatus.length()) { // not an HTTP status; never sent by Pekko
      timer(method, status).record(nanos);
      return;
    }
    Timer timer = byStatus.get(status);
    if (timer == null) {
      timer = timer(method, status);
      byStatus.set(status, timer);
    }
    timer.record(nanos);
  }

  private static Timer timer(String method, int status) {
    return Kamon.timer(NAME, "HTTP API requests: time from routing to response")
        .withTags(TagSet.builder().add("method", method).add("status", Integer.toString(status)).build());
  }
}
