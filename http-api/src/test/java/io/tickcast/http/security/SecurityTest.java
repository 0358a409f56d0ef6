package io.tickcast.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The security directives on a real Pekko HTTP server, over an in-memory key store and audit log. */
class SecurityTest {

  private static final HttpClient client = HttpClient.newHttpClient();
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static ActorTestKit testKit;
  private static String secured;
  private static String open;

  private static final Map<String, Principal> keys = new ConcurrentHashMap<>();
  private static final ConcurrentLinkedQueue<AuditEntry> audit = new ConcurrentLinkedQueue<>();
  private static final AtomicBoolean auditFails = new AtomicBoolean();
  private static final AtomicLong nanos = new AtomicLong();

  private static final ApiKeyStore STORE =
      hash -> CompletableFuture.completedFuture(Optional.ofNullable(keys.get(hash)));

  private static final AuditLog AUDIT =
      new AuditLog() {
        @Override
        public CompletionStage<Done> append(AuditEntry entry) {
          if (auditFails.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("audit store down"));
          }
          audit.add(entry);
          return CompletableFuture.completedFuture(Done.done());
        }
      };

  /** A read for viewers, a mutation for admins, and mutations that fail or reject. */
  private static final class TestRoutes extends AllDirectives {
    Route routes(Security security) {
      return concat(
          path("read", () -> get(() -> security.authenticated(Role.VIEWER, who -> complete("read by " + who.owner())))),
          path(
              "change",
              () ->
                  post(
                      () ->
                          security.authenticated(
                              Role.ADMIN,
                              who -> security.audited(who, "test.change", () -> complete(StatusCodes.CREATED, "changed"))))),
          path(
              "fail",
              () ->
                  post(
                      () ->
                          security.authenticated(
                              Role.ADMIN,
                              who ->
                                  security.audited(
                                      who,
                                      "test.fail",
                                      () -> {
                                        throw new IllegalStateException("boom");
                                      })))),
          path(
              "reject",
              () -> post(() -> security.authenticated(Role.ADMIN, who -> security.audited(who, "test.reject", this::reject)))));
    }
  }

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    RateLimiter limiter =
        new RateLimiter(
            Map.of(
                Role.VIEWER, new RateLimiter.Limit(1, 3),
                Role.TRADER, new RateLimiter.Limit(1, 3),
                Role.ADMIN, new RateLimiter.Limit(1, 3)),
            nanos::get);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    secured = bind(new Security(STORE, limiter, AUDIT, true, clock));
    open = bind(new Security(STORE, limiter, AUDIT, false, clock));
  }

  private static String bind(Security security) throws Exception {
    int port =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new TestRoutes().routes(security))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .localAddress()
            .getPort();
    return "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void unbind() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void clearAudit() {
    audit.clear();
    auditFails.set(false);
  }

  /** A fresh key of {@code role}: each test has its own buckets. */
  private static String key(Role role) {
    ApiKeys.NewKey key = ApiKeys.generate();
    keys.put(key.hash(), new Principal(key.keyId(), "owner-" + key.keyId(), role));
    return key.secret();
  }

  private static HttpResponse<String> send(String base, String method, String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String key) throws Exception {
    return send(secured, "GET", path, key == null ? null : "Bearer " + key);
  }

  private static HttpResponse<String> post(String path, String key) throws Exception {
    return send(secured, "POST", path, key == null ? null : "Bearer " + key);
  }

  private static void assertProblem(HttpResponse<String> response, int status, String type) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body())
        .contains("\"type\":\"https://tickcast.io/problems/" + type + "\"")
        .contains("\"status\":" + status);
  }

  @Test
  void aMissingKeyIs401WithABearerChallenge() throws Exception {
    HttpResponse<String> response = get("/read", null);
    assertProblem(response, 401, "unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm=\"tickcast\""));
    assertThat(response.body()).contains("Authorization: Bearer").contains("\"instance\":\"/read\"");

    // Credentials of another scheme are no API key.
    assertProblem(send(secured, "GET", "/read", "Basic dXNlcjpwYXNz"), 401, "unauthorized");
  }

  @Test
  void anUnknownRevokedOrMalformedKeyIs401InvalidToken() throws Exception {
    String unknown = ApiKeys.generate().secret();
    HttpResponse<String> response = get("/read", unknown);
    assertProblem(response, 401, "unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));

    String revoked = key(Role.ADMIN);
    assertThat(get("/read", revoked).statusCode()).isEqualTo(200);
    keys.remove(ApiKeys.hash(revoked));
    assertProblem(get("/read", revoked), 401, "unauthorized");

    assertProblem(get("/read", "tck_short"), 401, "unauthorized");
  }

  @Test
  void aRoleTooLowIs403() throws Exception {
    HttpResponse<String> response = post("/change", key(Role.VIEWER));
    assertProblem(response, 403, "forbidden");
    assertThat(response.body()).contains("needs the admin role").contains("has viewer");
    assertProblem(post("/change", key(Role.TRADER)), 403, "forbidden");
    assertThat(audit).isEmpty();
  }

  @Test
  void theRightRoleOrAHigherOneGetsThrough() throws Exception {
    for (Role role : Role.values()) {
      HttpResponse<String> response = get("/read", key(role));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).startsWith("read by owner-");
    }
    assertThat(post("/change", key(Role.ADMIN)).statusCode()).isEqualTo(201);
  }

  @Test
  void overTheBurstIs429WithRetryAfterUntilTokensComeBack() throws Exception {
    String viewer = key(Role.VIEWER);
    for (int i = 0; i < 3; i++) {
      assertThat(get("/read", viewer).statusCode()).as("request %d", i).isEqualTo(200);
    }
    HttpResponse<String> limited = get("/read", viewer);
    assertProblem(limited, 429, "rate-limited");
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    // Another key of the same role has its own bucket.
    assertThat(get("/read", key(Role.VIEWER)).statusCode()).isEqualTo(200);

    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(get("/read", viewer).statusCode()).isEqualTo(200);
    assertThat(get("/read", viewer).statusCode()).isEqualTo(429);
  }

  @Test
  void aMutationIsAuditedWithItsStatus() throws Exception {
    String admin = key(Role.ADMIN);
    Principal who = keys.get(ApiKeys.hash(admin));
    assertThat(post("/change", admin).statusCode()).isEqualTo(201);
    assertThat(audit)
        .containsExactly(new AuditEntry(NOW, who.keyId(), who.owner(), Role.ADMIN, "POST", "/change", 201, "test.change"));
  }

  @Test
  void aFailedMutationIsAuditedAs500() throws Exception {
    assertThat(post("/fail", key(Role.ADMIN)).statusCode()).isEqualTo(500);
    assertThat(audit).singleElement().satisfies(e -> {
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.detail()).startsWith("test.fail failed: ").contains("boom");
    });
  }

  @Test
  void aRejectedRequestChangedNothingAndIsNotAudited() throws Exception {
    assertThat(post("/reject", key(Role.ADMIN)).statusCode()).isEqualTo(404);
    assertThat(audit).isEmpty();
  }

  @Test
  void aFailingAuditLogDoesNotHideACompletedMutation() throws Exception {
    auditFails.set(true);
    assertThat(post("/change", key(Role.ADMIN)).statusCode()).isEqualTo(201);
  }

  @Test
  void fromConfigReadsTheSecurityBlock() {
    String limits = "rate-limits { viewer { per-second = 1, burst = 1 }, trader { per-second = 1, burst = 1 }, admin { per-second = 1, burst = 1 } }";
    String block = "cache-ttl = 30s, cache-max-entries = 10, " + limits;
    assertThat(Security.fromConfig(ConfigFactory.parseString("enabled = on, " + block), STORE, AUDIT).enabled()).isTrue();
    assertThat(Security.fromConfig(ConfigFactory.parseString("enabled = off, " + block), STORE, AUDIT).enabled()).isFalse();
  }

  @Test
  void withSecurityOffEveryoneIsTheDisabledPrincipalAndStillAudited() throws Exception {
    HttpResponse<String> read = send(open, "GET", "/read", null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo("read by security-disabled");
    assertThat(send(open, "POST", "/change", null).statusCode()).isEqualTo(201);
    assertThat(audit).singleElement().satisfies(e -> assertThat(e.owner()).isEqualTo("security-disabled"));
  }
}
