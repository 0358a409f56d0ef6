package io.tickcast.node;

import com.typesafe.config.Config;
import io.tickcast.http.security.ApiKeyStore;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.HttpCredentials;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a node reports ready, it sends its own HTTP API a short run of real queries (the view,
 * prediction and features of the tickers it holds views of) over fresh loopback connections. The
 * JVM compiles the query path (connection set-up, parsing, authentication, routing, JSON) only
 * after thousands of requests: without this, the first clients of a fresh node wait for the
 * compiler (README, Performance: first load tests after a start).
 *
 * <p>The run paces itself ({@link Settings#rate}) and waits for answers ({@link
 * Settings#parallelism} connections at most), so a slow node slows the run instead of drowning.
 * Its requests authenticate with one-off viewer keys ({@link Keys}) that exist only in this JVM.
 */
final class HttpWarmUp {

  private static final Logger log = LoggerFactory.getLogger(HttpWarmUp.class);
  private static final List<String> QUERIES = List.of("", "/prediction", "/features");
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The run ends once {@code requests} requests went out, or after {@code maxDuration}; zero
   * requests switch the warm-up off. {@code rate}: requests per second at most, spread over
   * {@code requestsPerConnection} per new connection, with at most {@code parallelism}
   * connections open at once.
   */
  record Settings(int requests, Duration maxDuration, int rate, int requestsPerConnection, int parallelism) {
    Settings {
      if (requests < 0 || maxDuration.isNegative() || rate < 1 || requestsPerConnection < 1 || parallelism < 1) {
        throw new IllegalArgumentException("tickcast.http.warm-up needs requests, max-duration >= 0 and rate,"
            + " requests-per-connection, parallelism >= 1, not " + requests + ", " + maxDuration + ", " + rate + ", "
            + requestsPerConnection + ", " + parallelism);
      }
    }

    static Settings fromConfig(Config warmUp) {
      return new Settings(
          warmUp.getInt("requests"),
          warmUp.getDuration("max-duration"),
          warmUp.getInt("rate"),
          warmUp.getInt("requests-per-connection"),
          warmUp.getInt("parallelism"));
    }

    boolean enabled() {
      return requests > 0;
    }
  }

  /**
   * What a run did: {@code ok} requests answered 2xx; {@code notReady} 404 or 409, a ticker
   * without a view or features yet (expected while a fresh node fills up); {@code refused} any
   * other status (a 401 or 429 would mean the warm-up's keys are misconfigured); {@code failed}
   * got no answer. {@code note} says why a run did not happen (empty when it did).
   */
  record Result(long connections, long ok, long notReady, long refused, long failed, Duration took, String note) {
    static Result skipped(String why) {
      return new Result(0, 0, 0, 0, 0, Duration.ZERO, why);
    }

    long requests() {
      return ok + notReady + refused + failed;
    }

    @Override
    public String toString() {
      return note.isEmpty()
          ? String.format(
              "%,d requests over %,d connections in %.1f s (2xx %,d, not ready %,d, other status %,d, no answer %,d)",
              requests(), connections, took.toMillis() / 1000.0, ok, notReady, refused, failed)
          : "skipped: " + note;
    }
  }

  /**
   * The node's key store, plus one-off viewer keys for a warm-up: enough of them that the run
   * stays within the viewer rate limit of each ({@code viewerPerSecond}). They never leave this
   * JVM; after {@link #revoke} a key store in front of this one (a cache) may still accept them
   * for its TTL, as it does any revoked key.
   */
  static final class Keys implements ApiKeyStore {

    private static final double LIMIT_SHARE = 0.8;

    private final ApiKeyStore store;
    private final double viewerPerSecond;
    private volatile Map<String, Principal> oneOff = Map.of();

    Keys(ApiKeyStore store, double viewerPerSecond) {
      this.store = store;
      this.viewerPerSecond = viewerPerSecond;
    }

    @Override
    public CompletionStage<Optional<Principal>> lookup(String keyHash) {
      Principal warmUp = oneOff.get(keyHash);
      return warmUp != null ? CompletableFuture.completedFuture(Optional.of(warmUp)) : store.lookup(keyHash);
    }

    /** Fresh keys for requests at {@code rate} per second, spread evenly over them. */
    List<String> issue(int rate) {
      int count = (int) Math.ceil(rate / (viewerPerSecond * LIMIT_SHARE));
      Map<String, Principal> issued = new HashMap<>();
      List<String> secrets = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        ApiKeys.NewKey key = ApiKeys.generate();
        issued.put(ApiKeys.hash(key.secret()), new Principal(key.keyId(), "node-warm-up", Role.VIEWER));
        secrets.add(key.secret());
      }
      oneOff = Map.copyOf(issued);
      return List.copyOf(secrets);
    }

    void revoke() {
      oneOff = Map.of();
    }
  }

  private final ActorSystem<?> system;
  private final InetSocketAddress target;
  private final Settings settings;
  private final Supplier<List<String>> tickers;
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong issued = new AtomicLong();
  private final LongAdder ok = new LongAdder();
  private final LongAdder notReady = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder failed = new LongAdder();

  private HttpWarmUp(ActorSystem<?> system, InetSocketAddress target, Settings settings, Supplier<List<String>> tickers) {
    this.system = system;
    this.target = target;
    this.settings = settings;
    this.tickers = tickers;
  }

  /**
   * Warms the API bound at {@code bound} (a wildcard address is reached over loopback) with
   * queries for {@code tickers} (read again for every connection: on a fresh node they appear as
   * the first updates arrive). {@code keys} is null with security off. Never fails: problems
   * are counted in the result, which is also logged.
   */
  static CompletionStage<Result> run(
      ActorSystem<?> system, InetSocketAddress bound, Settings settings, Keys keys, Supplier<List<String>> tickers) {
    InetSocketAddress target =
        bound.getAddress().isAnyLocalAddress()
            ? new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort())
            : bound;
    List<String> secrets = keys == null ? List.of() : keys.issue(settings.rate());
    HttpWarmUp warmUp = new HttpWarmUp(system, target, settings, tickers);
    long start = System.nanoTime();
    log.info(
        "HTTP warm-up: {} queries at up to {}/s against {}:{}, for {} s at most",
        settings.requests(), settings.rate(), target.getHostString(), target.getPort(), settings.maxDuration().toMillis() / 1000.0);
    return warmUp
        .connections(secrets)
        .handle(
            (done, failure) -> {
              if (keys != null) {
                keys.revoke();
              }
              Result result = warmUp.result(Duration.ofNanos(System.nanoTime() - start));
              if (failure != null || result.refused() > 0 || result.failed() > 0) {
                log.warn("HTTP warm-up: {}{}", result, failure == null ? "" : "; stopped by " + failure);
              } else {
                log.info("HTTP warm-up: {}", result);
              }
              return result;
            });
  }

  /** The API's view of every ticker in the journal: on a restarted node, views to query. */
  private CompletionStage<Void> loadViews(String secret) {
    return connection(List.of(request("/api/v1/tickers", secret)));
  }

  private CompletionStage<Void> connections(List<String> secrets) {
    String first = secrets.isEmpty() ? null : secrets.get(0);
    int perSecond = Math.max(1, settings.rate() / settings.requestsPerConnection());
    return loadViews(first)
        .thenCompose(
            loaded ->
                Source.range(0, Integer.MAX_VALUE - 1)
                    .takeWithin(settings.maxDuration())
                    .throttle(perSecond, Duration.ofSeconds(1))
                    .takeWhile(i -> issued.get() < settings.requests())
                    .mapAsyncUnordered(
                        settings.parallelism(),
                        i -> queries(secrets.isEmpty() ? null : secrets.get(i % secrets.size())))
                    .runWith(Sink.ignore(), system))
        .thenApply(done -> null);
  }

  /** One new connection's queries; none while no ticker has a view yet. */
  private CompletionStage<Void> queries(String secret) {
    List<String> known = tickers.get();
    if (known.isEmpty()) {
      return CompletableFuture.completedFuture(null); // the throttle paces the next look
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<HttpRequest> requests = new ArrayList<>(settings.requestsPerConnection());
    for (int i = 0; i < settings.requestsPerConnection(); i++) {
      String ticker = known.get(random.nextInt(known.size()));
      requests.add(request("/api/v1/tickers/" + ticker + QUERIES.get(i % QUERIES.size()), secret));
    }
    return connection(requests);
  }

  private static HttpRequest request(String path, String secret) {
    HttpRequest request = HttpRequest.GET(path);
    return secret == null ? request : request.addCredentials(HttpCredentials.createOAuth2BearerToken(secret));
  }

  /** Sends {@code requests} over one new connection, which closes once they are answered. */
  private CompletionStage<Void> connection(List<HttpRequest> requests) {
    connections.incrementAndGet();
    issued.addAndGet(requests.size());
    LongAdder answered = new LongAdder();
    return Source.from(requests)
        .via(Http.get(system).connectionTo(target.getHostString()).toPort(target.getPort()).http())
        .mapAsync(
            1,
            (HttpResponse response) -> {
              answered.increment();
              int status = response.status().intValue();
              (response.status().isSuccess() ? ok : status == 404 || status == 409 ? notReady : refused).increment();
              return response.discardEntityBytes(system).completionStage();
            })
        .completionTimeout(CONNECTION_TIMEOUT)
        .runWith(Sink.ignore(), system)
        .handle(
            (done, failure) -> {
              failed.add(requests.size() - answered.sum());
              return (Void) null;
            });
  }

  private Result result(Duration took) {
    return new Result(connections.get(), ok.sum(), notReady.sum(), refused.sum(), failed.sum(), took, "");
  }
}
