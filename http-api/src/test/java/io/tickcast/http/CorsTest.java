package io.tickcast.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.TickerView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code tickcast.http.cors} on the full route tree: one server with an allowed origin, one without. */
class CorsTest {

  private static final String DASHBOARD = "https://dash.example.com";
  private static final HttpClient client = HttpClient.newHttpClient();
  private static final ApiKeys.NewKey VIEWER = ApiKeys.generate();
  private static ActorTestKit testKit;
  private static ServerBinding withCors;
  private static ServerBinding withoutCors;

  private static final TickerService TICKERS =
      new TickerService() {
        @Override
        public CompletionStage<List<TickerView>> all() {
          return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<Optional<TickerView>> view(String ticker) {
          return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletionStage<Optional<HistoryPage>> history(String ticker, HistoryQuery query) {
          return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public Source<StreamEvent, NotUsed> updates(StreamEvent.Subscription subscription) {
          return Source.empty();
        }

        @Override
        public IngestCounts ingestCounts() {
          return new IngestCounts(0, 0, Map.of());
        }
      };

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    Security security =
        TestSecurity.of(Map.of(VIEWER.hash(), new Principal("v1", "vera", Role.VIEWER)));
    Duration beat = Duration.ofMillis(200);
    Duration stall = Duration.ofSeconds(30);
    withCors =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new ApiRoutes(TICKERS, null, null, security, beat, stall, new CorsSettings(List.of(DASHBOARD + "/"))).routes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    withoutCors =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new ApiRoutes(TICKERS, null, null, security, beat, stall).routes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void unbind() {
    withCors.unbind();
    withoutCors.unbind();
    testKit.shutdownTestKit();
  }

  private static HttpResponse<String> send(ServerBinding server, String method, String path, String origin, boolean key, boolean preflight)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (origin != null) {
      b.header("Origin", origin);
    }
    if (key) {
      b.header("Authorization", "Bearer " + VIEWER.secret());
    }
    if (preflight) {
      b.header("Access-Control-Request-Method", "GET").header("Access-Control-Request-Headers", "authorization, last-event-id");
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void preflightFromAnAllowedOriginIsAnsweredWithoutAKey() throws Exception {
    HttpResponse<String> response = send(withCors, "OPTIONS", "/api/v1/stream", DASHBOARD, false, true);
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
    assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(m -> assertThat(m).contains("GET", "POST", "DELETE"));
    assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValueSatisfying(h -> assertThat(h).contains("Authorization", "Last-Event-ID", "Content-Type"));
    assertThat(response.headers().firstValue("Access-Control-Max-Age")).isPresent();
    assertThat(response.headers().allValues("Vary")).contains("Origin");
  }

  @Test
  void responsesToAnAllowedOriginCarryItIncludingErrors() throws Exception {
    HttpResponse<String> ok = send(withCors, "GET", "/api/v1/tickers", DASHBOARD, true, false);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
    assertThat(ok.headers().allValues("Vary")).contains("Origin");
    assertThat(ok.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(h -> assertThat(h).contains("Location", "Retry-After"));

    // A page must be able to read why it was refused.
    HttpResponse<String> unauthorized = send(withCors, "GET", "/api/v1/tickers", DASHBOARD, false, false);
    assertThat(unauthorized.statusCode()).isEqualTo(401);
    assertThat(unauthorized.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
    HttpResponse<String> rejected = send(withCors, "GET", "/api/v1/no-such-route", DASHBOARD, true, false);
    assertThat(rejected.statusCode()).isEqualTo(404);
    assertThat(rejected.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
  }

  @Test
  void anotherOriginGetsNoCorsHeadersAndItsPreflightIsRefused() throws Exception {
    HttpResponse<String> response = send(withCors, "GET", "/api/v1/tickers", "https://evil.example.com", true, false);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(response.headers().allValues("Vary")).contains("Origin");

    HttpResponse<String> preflight = send(withCors, "OPTIONS", "/api/v1/tickers", "https://evil.example.com", false, true);
    assertThat(preflight.statusCode()).isEqualTo(403);
    assertThat(preflight.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(preflight.body()).contains("https://tickcast.io/problems/origin-not-allowed");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void onlyTheApiIsCovered() throws Exception {
    HttpResponse<String> dashboard = send(withCors, "GET", "/", DASHBOARD, false, false);
    assertThat(dashboard.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void withoutAllowedOriginsThereAreNoCorsHeaders() throws Exception {
    HttpResponse<String> response = send(withoutCors, "GET", "/api/v1/tickers", DASHBOARD, true, false);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(response.headers().allValues("Vary")).doesNotContain("Origin");

    HttpResponse<String> preflight = send(withoutCors, "OPTIONS", "/api/v1/tickers", DASHBOARD, false, true);
    assertThat(preflight.statusCode()).isNotEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }
}
