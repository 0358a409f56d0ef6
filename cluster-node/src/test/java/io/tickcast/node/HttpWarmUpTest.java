package io.tickcast.node;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractCredentials;
import static org.apache.pekko.http.javadsl.server.Directives.extractUri;
import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.RateLimiter;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The warm-up against a real HTTP server behind the real {@link Security}: its requests arrive
 * over new connections, authenticated, within every key's rate limit, and its keys stop working
 * when it ends.
 */
class HttpWarmUpTest {

  private static final double VIEWER_PER_SECOND = 50;

  private static ActorTestKit testKit;

  /** No stored keys: only the warm-up's own keys can pass. */
  private final HttpWarmUp.Keys keys =
      new HttpWarmUp.Keys(hash -> CompletableFuture.completedFuture(Optional.empty()), VIEWER_PER_SECOND);

  private final Set<String> paths = ConcurrentHashMap.newKeySet();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final AtomicLong connections = new AtomicLong();
  private ServerBinding binding;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(NodeConfig.load(Map.of("pekko.actor.provider", "local")));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void bind() throws Exception {
    RateLimiter.Limit viewer = new RateLimiter.Limit(VIEWER_PER_SECOND, (int) VIEWER_PER_SECOND);
    Security security =
        new Security(
            keys,
            new RateLimiter(Map.of(Role.VIEWER, viewer, Role.TRADER, viewer, Role.ADMIN, viewer), System::nanoTime),
            entry -> CompletableFuture.completedFuture(Done.done()),
            true,
            Clock.systemUTC());
    Route route =
        security.authenticated(
            Role.VIEWER,
            who ->
                extractCredentials(
                    credentials ->
                        extractUri(
                            uri -> {
                              paths.add(uri.path());
                              credentials.ifPresent(c -> tokens.add(c.token()));
                              return complete(statusOf(uri.path()), "{}");
                            })));
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .connectionSource()
            .to(
                Sink.foreach(
                    connection -> {
                      connections.incrementAndGet();
                      connection.handleWith(route.flow(testKit.system()), Materializer.matFromSystem(testKit.system()));
                    }))
            .run(testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void unbind() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void queriesEveryTickerOverFreshConnectionsWithinTheViewerLimit() throws Exception {
    // 400/s against 50/s per key: only several keys, each kept under its limit, avoid 429s.
    HttpWarmUp.Settings settings = new HttpWarmUp.Settings(600, Duration.ofSeconds(30), 400, 10, 16);
    HttpWarmUp.Result result = run(settings, keys, () -> List.of("AAPL", "MSFT"));

    assertThat(result.refused()).as(result.toString()).isZero();
    assertThat(result.failed()).as(result.toString()).isZero();
    assertThat(tokens).as("keys: 400/s at 0.8 x 50/s each").hasSize(10);
    // The list that loads views from the journal, then 10 requests per connection until 600 went out.
    assertThat(result.ok()).as(result.toString()).isEqualTo(1 + 10 * (result.connections() - 1)).isBetween(601L, 601L + 10);
    assertThat(connections.get()).as("connections the server accepted").isEqualTo(result.connections());
    assertThat(paths)
        .containsExactlyInAnyOrder(
            "/api/v1/tickers",
            "/api/v1/tickers/AAPL", "/api/v1/tickers/AAPL/prediction", "/api/v1/tickers/AAPL/features",
            "/api/v1/tickers/MSFT", "/api/v1/tickers/MSFT/prediction", "/api/v1/tickers/MSFT/features");
  }

  @Test
  void tellsTickersNotReadyYetFromRefusals() throws Exception {
    HttpWarmUp.Result result = run(new HttpWarmUp.Settings(30, Duration.ofSeconds(30), 100, 3, 4), keys, () -> List.of("NEW"));

    assertThat(result.connections()).isEqualTo(1 + 10);
    assertThat(result.ok()).as("the list").isEqualTo(1);
    assertThat(result.notReady()).as("404 and 409").isEqualTo(20);
    assertThat(result.refused()).as("503").isEqualTo(10);
    assertThat(result.failed()).isZero();
  }

  @Test
  void itsKeysAreRefusedOnceItEnds() throws Exception {
    HttpWarmUp.Result result = run(new HttpWarmUp.Settings(100, Duration.ofSeconds(30), 100, 10, 4), keys, () -> List.of("AAPL"));

    assertThat(result.ok()).as(result.toString()).isGreaterThan(1);
    assertThat(tokens).as("keys: 100/s at 0.8 x 50/s each").hasSize(3);
    for (String secret : tokens) {
      assertThat(keys.lookup(ApiKeys.hash(secret)).toCompletableFuture().get()).isEmpty();
      HttpResponse<String> afterwards =
          TestNode.HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/api/v1/tickers"))
                  .header("Authorization", "Bearer " + secret)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(afterwards.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void withoutTickersItOnlyLoadsTheListAndEndsOnTime() throws Exception {
    HttpWarmUp.Result result = run(new HttpWarmUp.Settings(1000, Duration.ofMillis(500), 400, 10, 16), keys, List::of);

    assertThat(result.ok()).as(result.toString()).isEqualTo(1);
    assertThat(result.connections()).isEqualTo(1);
    assertThat(paths).containsExactly("/api/v1/tickers");
  }

  @Test
  void aNodeThatDoesNotAnswerEndsTheWarmUpWithFailuresCounted() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    HttpWarmUp.Result result =
        HttpWarmUp.run(
                testKit.system(),
                new InetSocketAddress("127.0.0.1", closed),
                new HttpWarmUp.Settings(50, Duration.ofSeconds(30), 100, 10, 4),
                keys,
                () -> List.of("AAPL"))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

    assertThat(result.ok()).isZero();
    // The list, then connections of 10 until 50 went out: every one of them counted as unanswered.
    assertThat(result.failed()).as(result.toString()).isEqualTo(result.requests()).isBetween(51L, 51L + 10);
  }

  @Test
  void theNodeIsReadyOnlyOnceTheWarmUpRan() {
    NodeStatus status = NodeStatus.get(testKit.system());
    status.httpPort.complete(8080);
    assertThat(status.ready()).isFalse();
    status.httpWarmUp.complete(HttpWarmUp.Result.skipped("test"));
    assertThat(status.ready()).isTrue();
  }

  /** NEW is a ticker whose entity is not ready: no prediction, no features, no view (503). */
  private static StatusCode statusOf(String path) {
    if (!path.startsWith("/api/v1/tickers/NEW")) {
      return StatusCodes.OK;
    }
    return path.endsWith("/prediction") ? StatusCodes.NOT_FOUND
        : path.endsWith("/features") ? StatusCodes.CONFLICT
        : StatusCodes.SERVICE_UNAVAILABLE;
  }

  private HttpWarmUp.Result run(HttpWarmUp.Settings settings, HttpWarmUp.Keys keys, Supplier<List<String>> tickers)
      throws Exception {
    return HttpWarmUp.run(testKit.system(), binding.localAddress(), settings, keys, tickers)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }
}
