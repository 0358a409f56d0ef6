package io.tickcast.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Security#authenticatedStream}: the key from the header or, for EventSource clients, from
 * {@code ?access_token=}; every other route keeps refusing the parameter.
 */
class StreamAuthenticationTest {

  private static final HttpClient client = HttpClient.newHttpClient();
  private static final ApiKeys.NewKey VIEWER = ApiKeys.generate();
  private static final ApiKeys.NewKey TRADER = ApiKeys.generate();
  private static final ApiKeys.NewKey REVOKED = ApiKeys.generate();
  private static final Map<String, Principal> KEYS =
      Map.of(
          VIEWER.hash(), new Principal(VIEWER.keyId(), "viewer", Role.VIEWER),
          TRADER.hash(), new Principal(TRADER.keyId(), "trader", Role.TRADER));
  private static ActorTestKit testKit;
  private static String base;
  private static String open;

  /** A stream for viewers, one for traders, and a plain read. */
  private static final class Routes extends AllDirectives {
    Route routes(Security security) {
      return concat(
          path("stream", () -> get(() -> security.authenticatedStream(Role.VIEWER, who -> complete("stream for " + who.owner())))),
          path("alerts", () -> get(() -> security.authenticatedStream(Role.TRADER, who -> complete("alerts for " + who.owner())))),
          path("read", () -> get(() -> security.authenticated(Role.VIEWER, who -> complete("read by " + who.owner())))));
    }
  }

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    base = bind(true);
    open = bind(false);
  }

  private static String bind(boolean enabled) throws Exception {
    RateLimiter limiter =
        new RateLimiter(
            Map.of(
                Role.VIEWER, new RateLimiter.Limit(1000, 1000),
                Role.TRADER, new RateLimiter.Limit(1000, 1000),
                Role.ADMIN, new RateLimiter.Limit(1000, 1000)),
            System::nanoTime);
    Security security =
        new Security(
            hash -> CompletableFuture.completedFuture(Optional.ofNullable(KEYS.get(hash))),
            limiter,
            entry -> CompletableFuture.completedFuture(Done.done()),
            enabled,
            Clock.systemUTC());
    int port =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new Routes().routes(security))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .localAddress()
            .getPort();
    return "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aStreamTakesTheKeyFromTheHeader() throws Exception {
    HttpResponse<String> response = get("/stream", VIEWER.secret());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("stream for viewer");
  }

  @Test
  void aStreamTakesTheKeyFromTheAccessTokenParameter() throws Exception {
    HttpResponse<String> response = get("/stream?tickers=AAPL&access_token=" + VIEWER.secret(), null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("stream for viewer");
  }

  @Test
  void theHeaderWinsOverTheParameter() throws Exception {
    HttpResponse<String> response = get("/stream?access_token=" + REVOKED.secret(), VIEWER.secret());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("stream for viewer");
  }

  @Test
  void otherRoutesRefuseTheParameter() throws Exception {
    HttpResponse<String> response = get("/read?access_token=" + VIEWER.secret(), null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body()).contains("Authorization: Bearer").doesNotContain("access_token");
  }

  @Test
  void aMissingKeyIsA401ThatNamesBothWays() throws Exception {
    HttpResponse<String> response = get("/stream", null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(response.body()).contains("https://tickcast.io/problems/unauthorized", "Authorization: Bearer", "access_token=");
  }

  @Test
  void unknownRevokedOrMalformedParameterKeysAre401s() throws Exception {
    for (String token : new String[] {REVOKED.secret(), "not-a-key", ""}) {
      HttpResponse<String> response = get("/stream?access_token=" + token, null);
      assertThat(response.statusCode()).as(token).isEqualTo(401);
      assertThat(response.body()).as(token).contains("https://tickcast.io/problems/unauthorized");
    }
    assertThat(get("/stream?access_token=" + REVOKED.secret(), null).headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
  }

  @Test
  void rolesStillApplyToParameterKeys() throws Exception {
    HttpResponse<String> viewer = get("/alerts?access_token=" + VIEWER.secret(), null);
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(viewer.body()).contains("https://tickcast.io/problems/forbidden");
    HttpResponse<String> trader = get("/alerts?access_token=" + TRADER.secret(), null);
    assertThat(trader.statusCode()).isEqualTo(200);
    assertThat(trader.body()).isEqualTo("alerts for trader");
  }

  @Test
  void withSecurityOffEveryStreamIsServed() throws Exception {
    HttpResponse<String> response =
        client.send(HttpRequest.newBuilder(URI.create(open + "/alerts")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("alerts for security-disabled");
  }

  private static HttpResponse<String> get(String path, String headerKey) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (headerKey != null) {
      request.header("Authorization", "Bearer " + headerKey);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
