package io.tickcast.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.http.ModelCatalog.AliasMove;
import io.tickcast.http.ModelCatalog.AssignAlias;
import io.tickcast.http.ModelCatalog.ModelEntry;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.AuditEntry;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.ModelMetadata;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.PredictionUpdate;
import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.TickerUpdate;
import io.tickcast.protocols.TickerView;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The routes on a real Pekko HTTP server (ephemeral port), over a fixed in-memory service. */
class ApiRoutesTest {

  private static final HttpClient client = HttpClient.newHttpClient();
  private static ActorTestKit testKit;
  private static ServerBinding binding;
  private static String base;
  /** The same routes with a short stall timeout. */
  private static ServerBinding impatient;

  private static final Instant AS_OF = Instant.parse("2021-04-21T00:00:00Z");
  private static final Prediction AAPL_PREDICTION =
      new Prediction(
          "AAPL", AS_OF, 1, 101, 0.002, 101.2, List.of(new Prediction.Interval(0.9, -0.03, 0.034, 98.0, 104.5)),
          0.54, "tickcast-linear-h1", "e4cc7d1ccc2b", new double[] {0.1, 0.2}, Instant.parse("2026-01-01T00:00:01Z"));
  private static final TickerView AAPL = view("AAPL", 3, AAPL_PREDICTION, null);
  private static final TickerView MSFT =
      view("MSFT", 7, null, new PredictionUpdate.Unavailable("warming-up", "the feature vector needs more history"));
  private static final PredictionUpdate MSFT_UNAVAILABLE =
      new PredictionUpdate("MSFT", 7, AS_OF, null, MSFT.predictionUnavailable());
  private static final PredictionUpdate MSFT_PREDICTION =
      new PredictionUpdate("MSFT", 8, AS_OF, AAPL_PREDICTION, null);

  private static TickerView view(String ticker, long seq, Prediction prediction, PredictionUpdate.Unavailable unavailable) {
    Map<String, Double> indicators = new LinkedHashMap<>();
    indicators.put("sma_20", 101.5);
    indicators.put("rsi_14", null);
    Bar bar =
        new Bar(ticker, Instant.parse("2021-04-21T00:00:00Z"), Duration.ofDays(1), 100, 102, 99, 101, 101, 1000);
    return new TickerView(
        ticker, seq, bar, indicators, seq, Instant.parse("2026-01-01T00:00:00Z"), prediction, unavailable, Map.of());
  }

  /** Answers from fixed data; the stream emits two updates and then stays open. */
  private static final TickerService SERVICE =
      new TickerService() {
        @Override
        public CompletionStage<List<TickerView>> all() {
          return CompletableFuture.completedFuture(List.of(AAPL, MSFT));
        }

        @Override
        public CompletionStage<Optional<TickerView>> view(String ticker) {
          return CompletableFuture.completedFuture(
              List.of(AAPL, MSFT).stream().filter(v -> v.ticker().equals(ticker)).findFirst());
        }

        @Override
        public Source<StreamEvent, NotUsed> updates(StreamEvent.Subscription subscription) {
          subscriptions.add(subscription);
          if (subscription.tickers().equals(Set.of(FLOOD))) {
            // Updates of ever new tickers as fast as they are taken: conflation cannot absorb them.
            return Source.range(1, Integer.MAX_VALUE)
                .<StreamEvent>map(i -> new StreamEvent.Positioned("e1-" + i, ApiRoutesTest.view("T" + i, i, null, null)))
                .watchTermination((notUsed, done) -> done.whenComplete((d, failure) -> floodEnded.complete(failure)))
                .mapMaterializedValue(done -> NotUsed.getInstance());
          }
          // Like the node's hub: filtered, positioned; a position it does not know is a gap.
          List<TickerUpdate> all = List.of(AAPL, MSFT, MSFT_UNAVAILABLE, MSFT_PREDICTION);
          List<StreamEvent> events = new ArrayList<>();
          if (subscription.lastEventId().filter(id -> !id.startsWith("e1-")).isPresent()) {
            events.add(new StreamEvent.Gap(null, "position unknown"));
          }
          for (int i = 0; i < all.size(); i++) {
            if (subscription.wants(all.get(i))) {
              events.add(new StreamEvent.Positioned("e1-" + (i + 1), all.get(i)));
            }
          }
          return Source.from(events).concat(Source.<StreamEvent>maybe().mapMaterializedValue(p -> NotUsed.getInstance()));
        }

        @Override
        public IngestCounts ingestCounts() {
          return new IngestCounts(5, 1, Map.of("malformed", 2L));
        }

        // History is QueryRoutesTest's.
        @Override
        public CompletionStage<Optional<HistoryPage>> history(String ticker, HistoryQuery query) {
          return CompletableFuture.completedFuture(Optional.empty());
        }
      };

  private static final ApiKeys.NewKey VIEWER_KEY = ApiKeys.generate();
  private static final ApiKeys.NewKey ADMIN_KEY = ApiKeys.generate();
  private static final Map<String, Principal> KEYS =
      Map.of(
          ApiKeys.hash(VIEWER_KEY.secret()), new Principal("v1", "vera", Role.VIEWER),
          ApiKeys.hash(ADMIN_KEY.secret()), new Principal("a1", "ada", Role.ADMIN));
  private static final List<AuditEntry> audit = new CopyOnWriteArrayList<>();
  private static final List<StreamEvent.Subscription> subscriptions = new CopyOnWriteArrayList<>();
  /** Asked for by a stream client, the service floods it; completes when that stream ends. */
  private static final String FLOOD = "FLOOD";
  private static final CompletableFuture<Throwable> floodEnded = new CompletableFuture<>();
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(1);

  /** One registered version; assigning "unknown" is refused as the registry would. */
  private static final ModelCatalog CATALOG =
      new ModelCatalog() {
        @Override
        public CompletionStage<List<ModelEntry>> models() {
          try {
            ModelMetadata metadata = ModelArtifact.loadDefault().metadata();
            return CompletableFuture.completedFuture(
                List.of(new ModelEntry(metadata, Instant.parse("2026-11-26T00:00:00Z"), "cli:ada", List.of("champion"), null)));
          } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
          }
        }

        @Override
        public CompletionStage<List<AliasMove>> assign(String model, AssignAlias request, String by) {
          if (request.version().equals("unknown")) {
            return CompletableFuture.failedFuture(new Refused("unknown-version", 404, model + " has no version unknown"));
          }
          return CompletableFuture.completedFuture(
              List.of(
                  new AliasMove(
                      model, request.alias(), request.version(), "e4cc7d1ccc2b", Instant.parse("2026-11-26T00:00:00Z"), by,
                      request.reason(), Boolean.TRUE.equals(request.force()))));
        }
      };

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    Security security = TestSecurity.of(KEYS, audit);
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new ApiRoutes(SERVICE, null /* cluster routes: QueryRoutesTest */, CATALOG, security, Duration.ofMillis(200), Duration.ofSeconds(30)).routes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
    impatient =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new ApiRoutes(SERVICE, null, CATALOG, security, Duration.ofMillis(200), STALL_TIMEOUT).routes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void unbind() {
    binding.unbind();
    impatient.unbind();
    testKit.shutdownTestKit();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return client.send(authorized(path, VIEWER_KEY).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder authorized(String path, ApiKeys.NewKey key) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key.secret());
  }

  private static HttpResponse<String> post(String path, ApiKeys.NewKey key, String body) throws Exception {
    return client.send(
        authorized(path, key).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readingNeedsAKey() throws Exception {
    HttpResponse<String> anonymous =
        client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/tickers")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void listsModelsWithTheirAliases() throws Exception {
    HttpResponse<String> models = get("/api/v1/models");
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(models.body())
        .contains("\"name\":\"tickcast-linear-h1\"")
        .contains("\"aliases\":[\"champion\"]")
        .contains("\"validationMetrics\"");
  }

  @Test
  void onlyAnAdminAssignsModelAliasesAndEachAssignmentIsAudited() throws Exception {
    String body = "{\"alias\":\"champion\",\"version\":\"abc123\",\"reason\":\"better on validation\"}";
    HttpResponse<String> viewer = post("/api/v1/models/tickcast-linear-h1/aliases", VIEWER_KEY, body);
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(viewer.body()).contains("forbidden").contains("admin");

    audit.clear();
    HttpResponse<String> admin = post("/api/v1/models/tickcast-linear-h1/aliases", ADMIN_KEY, body);
    assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
    assertThat(admin.body()).contains("\"version\":\"abc123\"").contains("\"by\":\"ada (key a1)\"");
    assertThat(audit).singleElement().satisfies(e -> {
      assertThat(e.keyId()).isEqualTo("a1");
      assertThat(e.status()).isEqualTo(200);
      assertThat(e.path()).isEqualTo("/api/v1/models/tickcast-linear-h1/aliases");
    });

    HttpResponse<String> refused =
        post("/api/v1/models/tickcast-linear-h1/aliases", ADMIN_KEY, "{\"alias\":\"champion\",\"version\":\"unknown\"}");
    assertThat(refused.statusCode()).isEqualTo(404);
    assertThat(refused.body()).contains("problems/unknown-version");

    HttpResponse<String> noVersion = post("/api/v1/models/tickcast-linear-h1/aliases", ADMIN_KEY, "{\"alias\":\"champion\"}");
    assertThat(noVersion.statusCode()).isEqualTo(400);
    assertThat(noVersion.body()).contains("'version'");

    HttpResponse<String> notJson = post("/api/v1/models/tickcast-linear-h1/aliases", ADMIN_KEY, "champion please");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void listsTickersAndServesOne() throws Exception {
    HttpResponse<String> all = get("/api/v1/tickers");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(all.body()).startsWith("{\"tickers\":[{\"ticker\":\"AAPL\"").contains("\"ticker\":\"MSFT\"");

    HttpResponse<String> one = get("/api/v1/tickers/MSFT");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body())
        .contains("\"sequenceNr\":7")
        .contains("\"start\":\"2021-04-21T00:00:00Z\"")
        .contains("\"rsi_14\":null"); // not ready is null, never a made-up number
  }

  @Test
  void aViewIsOnlyServedAsJson() throws Exception {
    HttpResponse<String> html =
        client.send(authorized("/api/v1/tickers/MSFT", VIEWER_KEY).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(html.statusCode()).isEqualTo(406);
    assertThat(html.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void anUnknownTickerIsA404Problem() throws Exception {
    HttpResponse<String> response = get("/api/v1/tickers/ZZZZ");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body())
        .contains("\"type\":\"https://tickcast.io/problems/unknown-ticker\"")
        .contains("\"status\":404");
  }

  @Test
  void aMalformedTickerIsA400ProblemNamingTheField() throws Exception {
    HttpResponse<String> response = get("/api/v1/tickers/not%20a%20ticker");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body()).contains("invalid-ticker").contains("'ticker'");

    HttpResponse<String> stream = get("/api/v1/stream?tickers=AAPL,bad!");
    assertThat(stream.statusCode()).isEqualTo(400);
    assertThat(stream.body()).contains("'tickers'").contains("bad!");
  }

  @Test
  void unknownPathsAndMethodsAreProblemsToo() throws Exception {
    HttpResponse<String> missing = get("/api/v1/nothing-here");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");

    HttpResponse<String> post =
        client.send(
            authorized("/api/v1/tickers", VIEWER_KEY).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void servesIngestCounts() throws Exception {
    assertThat(get("/api/v1/ingest/stats").body())
        .isEqualTo("{\"applied\":5,\"duplicates\":1,\"rejected\":{\"malformed\":2}}");
  }

  @Test
  void streamsUpdatesAsTypedEventsWithIdsThenHeartbeats() throws Exception {
    HttpResponse<java.util.stream.Stream<String>> response =
        client.send(
            authorized("/api/v1/stream?tickers=MSFT", VIEWER_KEY).build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    // Only MSFT passes the filter; then the idle stream carries heartbeats (every 200 ms here).
    List<String> lines = response.body().limit(14).toList();
    assertThat(subscriptions.get(subscriptions.size() - 1))
        .isEqualTo(new StreamEvent.Subscription(Set.of("MSFT"), Set.of("update", "prediction"), Optional.empty()));
    assertThat(lines.get(0)).startsWith("data:{\"ticker\":\"MSFT\"");
    assertThat(lines.subList(1, 4)).containsExactly("event:update", "id:e1-2", "");
    assertThat(lines.get(4)).startsWith("data:{\"ticker\":\"MSFT\"").contains("\"code\":\"warming-up\"");
    assertThat(lines.subList(5, 8)).containsExactly("event:prediction", "id:e1-3", "");
    assertThat(lines.get(8)).contains("\"expectedReturn\":0.002");
    assertThat(lines.subList(9, 12)).containsExactly("event:prediction", "id:e1-4", "");
    assertThat(lines.subList(12, 14)).containsExactly("data:", "");
  }

  @Test
  void streamsOnlyTheEventTypesAskedForAndResumesFromLastEventId() throws Exception {
    HttpResponse<java.util.stream.Stream<String>> response =
        client.send(
            authorized("/api/v1/stream?events=prediction", VIEWER_KEY).header("Last-Event-ID", "e0-17").build(),
            HttpResponse.BodyHandlers.ofLines());
    List<String> lines = response.body().limit(6).toList();
    assertThat(subscriptions.get(subscriptions.size() - 1))
        .isEqualTo(new StreamEvent.Subscription(Set.of(), Set.of("prediction"), Optional.of("e0-17")));
    // The position is unknown: said explicitly, without an id, before anything else.
    assertThat(lines.get(0)).isEqualTo("data:{\"ticker\":null,\"reason\":\"position unknown\"}");
    assertThat(lines.subList(1, 3)).containsExactly("event:gap", "");
    assertThat(lines.subList(4, 6)).containsExactly("event:prediction", "id:e1-3");

    HttpResponse<String> bad = get("/api/v1/stream?events=update,trades");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("'events'").contains("trades");
  }

  @Test
  void servesTheLatestPredictionOrSaysWhyThereIsNone() throws Exception {
    HttpResponse<String> aapl = get("/api/v1/tickers/AAPL/prediction");
    assertThat(aapl.statusCode()).isEqualTo(200);
    assertThat(aapl.body())
        .contains("\"modelVersion\":\"e4cc7d1ccc2b\"")
        .contains("\"directionProbability\":0.54")
        .contains("\"level\":0.9");

    HttpResponse<String> msft = get("/api/v1/tickers/MSFT/prediction");
    assertThat(msft.statusCode()).isEqualTo(404);
    assertThat(msft.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(msft.body()).contains("no-prediction").contains("warming-up");

    assertThat(get("/api/v1/tickers/ZZZZ/prediction").statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/tickers/b%20d/prediction").statusCode()).isEqualTo(400);
  }

  @Test
  void aStreamClientThatStopsReadingIsDisconnectedAndItsSubscriptionReleased() throws Exception {
    try (Socket stalled = new Socket()) {
      // A tiny receive window and no reading: the server's writes back up within a few events.
      stalled.setReceiveBufferSize(1024);
      stalled.connect(new InetSocketAddress("127.0.0.1", impatient.localAddress().getPort()));
      stalled.getOutputStream().write(
          ("GET /api/v1/stream?tickers=" + FLOOD + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                  + "Authorization: Bearer " + VIEWER_KEY.secret() + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      stalled.getOutputStream().flush();

      // The server gives up on it after the stall timeout: the service's stream is torn down...
      Throwable why = floodEnded.get(30, TimeUnit.SECONDS);
      assertThat(why).isNotNull().hasMessageContaining("No demand signalled");

      // ...and the connection closed: what was sent before is there to read, then the end.
      stalled.setSoTimeout(10_000);
      InputStream in = stalled.getInputStream();
      byte[] buffer = new byte[1 << 16];
      long read = 0;
      try {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          read += n;
        }
      } catch (SocketException reset) {
        // An abort may reach the client as a reset instead of an end of stream: closed either way.
      }
      assertThat(read).isPositive();
    }
    // Other clients are not affected.
    assertThat(get("/api/v1/tickers/AAPL").statusCode()).isEqualTo(200);
  }
}
