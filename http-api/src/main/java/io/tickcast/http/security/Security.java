package io.tickcast.http.security;

import com.typesafe.config.Config;
import io.tickcast.http.ApiRoutes;
import io.tickcast.http.Problem;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.HttpCredentials;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Complete;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directives that guard the API: {@link #authenticated} (API key, role, rate limit), {@link
 * #authenticatedStream} (the same for SSE streams, which may also pass the key as {@code
 * ?access_token=}) and {@link #audited} (one {@link AuditEntry} per mutation). Refusals are
 * problem documents with stable types: {@code unauthorized} (401), {@code forbidden} (403),
 * {@code rate-limited} (429) and {@code unavailable} (503, the key store did not answer).
 */
public final class Security extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(Security.class);
  private static final String REALM = "tickcast";

  private final ApiKeyStore keys;
  private final RateLimiter limiter;
  private final AuditLog audit;
  private final boolean enabled;
  private final Clock clock;

  /**
   * {@code keys} is asked on every request: pass a {@link CachingApiKeyStore} around a remote
   * store. {@code clock} stamps audit entries.
   */
  public Security(ApiKeyStore keys, RateLimiter limiter, AuditLog audit, boolean enabled, Clock clock) {
    this.keys = keys;
    this.limiter = limiter;
    this.audit = audit;
    this.enabled = enabled;
    this.clock = clock;
  }

  /**
   * From the {@code tickcast.security} block: {@code store} behind a cache of {@code cache-ttl},
   * rate limits per role. Logs a loud warning when {@code enabled = off}.
   */
  public static Security fromConfig(Config security, ApiKeyStore store, AuditLog audit) {
    boolean enabled = security.getBoolean("enabled");
    if (!enabled) {
      log.warn(
          "\n*****************************************************************************************\n"
              + "*  SECURITY IS OFF (tickcast.security.enabled = off): every request is served as admin,  *\n"
              + "*  without API key or rate limit. For local experiments only; never expose this node.    *\n"
              + "*****************************************************************************************");
    }
    return new Security(
        new CachingApiKeyStore(store, security.getDuration("cache-ttl"), security.getInt("cache-max-entries"), System::nanoTime),
        RateLimiter.fromConfig(security.getConfig("rate-limits"), System::nanoTime),
        audit,
        enabled,
        Clock.systemUTC());
  }

  public boolean enabled() {
    return enabled;
  }

  /**
   * Runs {@code inner} for the caller of a valid {@code Authorization: Bearer <key>} whose role
   * includes {@code required} and who is within the key's rate limit. Checked in this order, so
   * refused requests count against the limit too: 401 (with {@code WWW-Authenticate: Bearer}) for
   * a missing, unknown or revoked key, 429 (with {@code Retry-After}) over the limit, 403 for a
   * role too low. With security off, {@code inner} gets {@link Principal#SECURITY_DISABLED}.
   */
  public Route authenticated(Role required, Function<Principal, Route> inner) {
    if (!enabled) {
      return inner.apply(Principal.SECURITY_DISABLED);
    }
    return extractRequest(
        request ->
            extractCredentials(
                credentials ->
                    check(
                        bearer(credentials),
                        request.getUri().path(),
                        "this needs an API key: send 'Authorization: Bearer <key>'",
                        required,
                        inner)));
  }

  /** The query parameter that {@link #authenticatedStream} also takes the API key from. */
  public static final String ACCESS_TOKEN_PARAMETER = "access_token";

  /**
   * {@link #authenticated} for Server-Sent Events streams only (used by {@code GET /api/v1/stream}):
   * the key may also come as the query parameter {@code access_token} (RFC 6750 §2.3) when no
   * {@code Authorization} header is sent. Browsers' {@code
   * EventSource} API cannot set request headers, so a web page has no other way to authenticate a
   * stream it opens with it. The header wins when both are sent.
   *
   * <p>Keys in URLs end up in logs (access logs, proxies, browser history): a page should open
   * streams with a <b>viewer</b> key, which can read but change nothing, and every other route
   * keeps refusing the parameter. Checks, refusals and rate limits are those of {@link
   * #authenticated}.
   */
  public Route authenticatedStream(Role required, Function<Principal, Route> inner) {
    if (!enabled) {
      return inner.apply(Principal.SECURITY_DISABLED);
    }
    return extractRequest(
        request ->
            extractCredentials(
                credentials ->
                    parameterOptional(
                        ACCESS_TOKEN_PARAMETER,
                        parameter ->
                            check(
                                bearer(credentials).or(() -> parameter),
                                request.getUri().path(),
                                "this needs an API key: send 'Authorization: Bearer <key>' or, from an EventSource, '?"
                                    + ACCESS_TOKEN_PARAMETER + "=<key>'",
                                required,
                                inner))));
  }

  private static Optional<String> bearer(Optional<HttpCredentials> credentials) {
    return credentials.filter(c -> c.scheme().equalsIgnoreCase("bearer")).map(HttpCredentials::token);
  }

  private Route check(
      Optional<String> token, String path, String missing, Role required, Function<Principal, Route> inner) {
    if (token.isEmpty()) {
      return unauthorized(path, missing, false);
    }
    if (!ApiKeys.wellFormed(token.get())) {
      return unauthorized(path, "the API key is malformed", true);
    }
    CompletableFuture<Route> decided =
        keys.lookup(ApiKeys.hash(token.get()))
            .handle((found, failure) -> decide(found, failure, required, path, inner))
            .toCompletableFuture();
    // A cached key (nearly every request) is decided at once: no asynchronous hop for it.
    return decided.isDone() ? decided.join() : onSuccess(decided, route -> route);
  }

  private Route decide(
      Optional<Principal> found, Throwable failure, Role required, String path, Function<Principal, Route> inner) {
    if (failure != null) {
      log.warn("API key lookup failed: {}", unwrap(failure).toString());
      return complete(
          ApiRoutes.problemResponse(
              Problem.of("unavailable", "Service unavailable", 503, "the API key could not be checked now; retry", path)));
    }
    if (found.isEmpty()) {
      return unauthorized(path, "the API key is unknown or revoked", true);
    }
    Principal who = found.get();
    OptionalLong retryAfter = limiter.acquire(who);
    if (retryAfter.isPresent()) {
      return complete(
          ApiRoutes.problemResponse(
                  Problem.of(
                      "rate-limited",
                      "Too many requests",
                      429,
                      "key " + who.keyId() + " is over the rate limit of the " + who.role().id() + " role; retry in "
                          + retryAfter.getAsLong() + " s",
                      path))
              .addHeader(RetryAfter.create(retryAfter.getAsLong())));
    }
    if (!who.can(required)) {
      return complete(
          ApiRoutes.problemResponse(
              Problem.of(
                  "forbidden",
                  "Forbidden",
                  403,
                  "this needs the " + required.id() + " role; key " + who.keyId() + " has " + who.role().id(),
                  path)));
    }
    return inner.apply(who);
  }

  private Route unauthorized(String path, String detail, boolean keyGiven) {
    // RFC 6750: name the error only when a token was sent.
    HttpChallenge challenge =
        keyGiven
            ? HttpChallenge.create("Bearer", REALM, Map.of("error", "invalid_token"))
            : HttpChallenge.create("Bearer", REALM);
    return complete(
        ApiRoutes.problemResponse(Problem.of("unauthorized", "Unauthorized", 401, detail, path))
            .addHeader(WWWAuthenticate.create(challenge)));
  }

  /**
   * Runs {@code inner} and records who did {@code action} to which path, with the status sent,
   * before the response leaves: once a client sees the answer to a mutation, its audit entry is
   * stored (a failed audit write is logged; the response still goes out, as the change is made).
   * A route that fails is recorded with status 500 and the error; a request that {@code inner}
   * rejects changed nothing and is not recorded.
   */
  public Route audited(Principal who, String action, Supplier<Route> inner) {
    return extractRequest(
        request ->
            mapRouteResultFuture(
                result -> result.handle((r, failure) -> record(who, action, request, r, failure)).thenCompose(f -> f),
                // Turns exceptions thrown while building the inner route into failed results, so
                // they are recorded too; ApiRoutes' exception handler still answers them.
                () -> handleExceptions(ExceptionHandler.newBuilder().match(Throwable.class, this::failWith).build(), inner)));
  }

  private CompletionStage<RouteResult> record(
      Principal who, String action, HttpRequest request, RouteResult result, Throwable failure) {
    int status;
    String detail = action;
    if (failure != null) {
      status = 500;
      detail = action + " failed: " + unwrap(failure);
    } else if (result instanceof Complete complete) {
      status = complete.getResponse().status().intValue();
    } else {
      return CompletableFuture.completedFuture(result);
    }
    AuditEntry entry =
        new AuditEntry(
            clock.instant(),
            who.keyId(),
            who.owner(),
            who.role(),
            request.method().name(),
            request.getUri().path(),
            status,
            detail);
    return audit
        .append(entry)
        .exceptionally(
            e -> {
              log.error("Audit write failed for {}", entry, e);
              return Done.done();
            })
        .thenCompose(
            done -> failure == null ? CompletableFuture.completedFuture(result) : CompletableFuture.failedFuture(failure));
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
