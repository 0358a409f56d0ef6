package io.tickcast.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RequestTiming} around a route on a real server: every answer is recorded, once, in full. */
class RequestTimingTest extends AllDirectives {

  record Timing(String method, int status, long nanos) {}

  private static final HttpClient client = HttpClient.newHttpClient();
  private static final CopyOnWriteArrayList<Timing> timings = new CopyOnWriteArrayList<>();
  private static volatile CompletableFuture<Void> reached = new CompletableFuture<>();
  private static volatile CompletableFuture<String> answer = new CompletableFuture<>();
  private static ActorTestKit testKit;
  private static ServerBinding binding;

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    RequestTimingTest d = new RequestTimingTest();
    Route api =
        d.handleRejections(
            RejectionHandler.defaultHandler(),
            () ->
                d.concat(
                    d.path("ok", () -> d.get(() -> d.complete("ok"))),
                    d.path("gone", () -> d.delete(() -> d.complete(StatusCodes.GONE))),
                    d.path(
                        "slow",
                        () ->
                            d.get(
                                () -> {
                                  reached.complete(null);
                                  return d.onSuccess(answer, body -> d.complete(body));
                                }))));
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new RequestTiming((method, status, nanos) -> timings.add(new Timing(method, status, nanos))).wrap(api))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void unbind() {
    binding.unbind();
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void reset() {
    timings.clear();
    reached = new CompletableFuture<>();
    answer = new CompletableFuture<>();
  }

  private static CompletableFuture<HttpResponse<String>> send(String method, String path) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void recordsMethodAndStatusOfEveryAnswerIncludingRefusals() throws Exception {
    assertThat(send("GET", "/ok").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(send("DELETE", "/gone").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(410);
    assertThat(send("GET", "/nothing-here").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
    assertThat(send("POST", "/ok").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(405);

    // The response can reach the client a moment before the sink has run on the server's thread.
    testKit.createTestProbe().awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          assertThat(timings)
              .extracting(Timing::method, Timing::status)
              .containsExactly(
                  tuple("GET", 200),
                  tuple("DELETE", 410),
                  tuple("GET", 404),
                  tuple("POST", 405));
          return null;
        });
    assertThat(timings).allSatisfy(t -> assertThat(t.nanos()).isPositive());
  }

  @Test
  void timesTheWholeAsynchronousAnswer() throws Exception {
    CompletableFuture<HttpResponse<String>> response = send("GET", "/slow");
    reached.get(10, TimeUnit.SECONDS);
    long waitedFrom = System.nanoTime();
    // Held until the test lets it go: nothing is recorded before the answer exists.
    assertThat(timings).isEmpty();
    assertThat(response).isNotDone();
    long waited = System.nanoTime() - waitedFrom;
    answer.complete("late");
    assertThat(response.get(10, TimeUnit.SECONDS).body()).isEqualTo("late");
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertThat(timings).singleElement().satisfies(t -> assertThat(t.nanos()).isGreaterThanOrEqualTo(waited));
      return null;
    });
  }
}
