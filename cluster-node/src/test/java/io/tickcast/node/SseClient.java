package io.tickcast.node;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A plain HTTP client reading a Server-Sent Events stream line by line, as a browser's
 * EventSource would, collecting the events it receives.
 */
final class SseClient implements AutoCloseable {

  record Event(String id, String type, String data) {}

  final List<Event> events = new CopyOnWriteArrayList<>();
  final CompletableFuture<Integer> status = new CompletableFuture<>();
  private final CompletableFuture<HttpResponse<Stream<String>>> response;

  SseClient(String url) {
    this(url, null);
  }

  /** A client resuming after {@code lastEventId}, as EventSource does when it reconnects. */
  SseClient(String url, String lastEventId) {
    HttpRequest.Builder request = RealInfra.request(url).header("Accept", "text/event-stream").timeout(Duration.ofMinutes(5));
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    response =
        TestNode.HTTP.sendAsync(
            request.build(),
            HttpResponse.BodyHandlers.ofLines());
    // The reading loop blocks for the stream's lifetime: on a thread of its own, never on the
    // common pool the node's asks complete on (it has two threads on a two-core machine).
    response.thenAcceptAsync(
        r -> {
          status.complete(r.statusCode());
          String id = null;
          String type = null;
          boolean sawField = false;
          StringBuilder data = new StringBuilder();
          for (String line : (Iterable<String>) r.body()::iterator) {
            if (line.isEmpty()) {
              if (sawField) {
                // An event with no type and no data is Pekko's heartbeat.
                String kind = type != null ? type : data.length() == 0 ? "heartbeat" : "message";
                events.add(new Event(id, kind, data.toString()));
              }
              id = null;
              type = null;
              sawField = false;
              data.setLength(0);
              continue;
            }
            sawField = true;
            if (line.startsWith(":")) {
              events.add(new Event(null, "comment", line));
            } else if (line.startsWith("id:")) {
              id = line.substring(3).strip();
            } else if (line.startsWith("event:")) {
              type = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
              data.append(line.substring(5).strip());
            }
          }
        },
        reader -> {
          Thread thread = new Thread(reader, "sse-client " + url);
          thread.setDaemon(true);
          thread.start();
        });
  }

  @Override
  public void close() {
    response.thenAccept(r -> r.body().close());
  }
}
