package io.tickcast.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import io.tickcast.features.IndicatorSet;
import io.tickcast.http.ModelCatalog.AliasMove;
import io.tickcast.http.ModelCatalog.AssignAlias;
import io.tickcast.http.ModelCatalog.ModelEntry;
import io.tickcast.http.WatchService.NewWatch;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import io.tickcast.model.ModelArtifact;
import io.tickcast.protocols.AlertUpdate;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.LiveScore;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.PredictionUpdate;
import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.TickerView;
import io.tickcast.protocols.Watch;
import io.tickcast.protocols.WatchCondition;
import io.tickcast.protocols.WatchCondition.Direction;
import io.tickcast.protocols.WatchView;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Keeps {@code openapi.json} true. The full route tree ({@link ApiRoutes} with {@link
 * WatchRoutes}) runs on a real server over in-memory services; every request below goes over HTTP
 * and each request/response pair is validated against the document as the server serves it
 * ({@code GET /api/v1/openapi.json}): paths, methods, parameters, bodies, status codes, content
 * types and response bodies. A request to a path the document does not have fails, and so does a
 * documented operation that no request here exercises (the last test): document a route, test it.
 *
 * <p>Requests the client got wrong on purpose (no key, malformed input) are checked on the
 * response side only: their status must be documented, and their body a problem document.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractTest {

  private static final HttpClient client = HttpClient.newHttpClient();
  private static ActorTestKit testKit;
  private static ServerBinding binding;
  private static String base;
  private static OpenApiInteractionValidator validator;
  private static JsonNode document;
  /** "GET /api/v1/tickers/{ticker}" to its path pattern. */
  private static final Map<String, Pattern> operations = new LinkedHashMap<>();
  /** Operation to the statuses seen for it. */
  private static final Map<String, Set<Integer>> exercised = new ConcurrentHashMap<>();
  private static int validated;

  // ---- keys --------------------------------------------------------------------------------

  private static final ApiKeys.NewKey VIEWER = ApiKeys.generate();
  private static final ApiKeys.NewKey TRADER = ApiKeys.generate();
  private static final ApiKeys.NewKey OTHER_TRADER = ApiKeys.generate();
  private static final ApiKeys.NewKey ADMIN = ApiKeys.generate();
  private static final Map<String, Principal> KEYS =
      Map.of(
          VIEWER.hash(), new Principal("v1", "vera", Role.VIEWER),
          TRADER.hash(), new Principal("t1", "tina", Role.TRADER),
          OTHER_TRADER.hash(), new Principal("t2", "otto", Role.TRADER),
          ADMIN.hash(), new Principal("a1", "ada", Role.ADMIN));

  // ---- data --------------------------------------------------------------------------------

  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  /** 40 daily bars of AAPL: enough for a full feature vector. */
  private static final List<Bar> AAPL_BARS =
      IntStream.range(0, 40)
          .mapToObj(
              i -> {
                double close = 100 + i + (i % 3) * 0.7;
                return new Bar(
                    "AAPL", Instant.parse("2021-01-01T00:00:00Z").plus(Duration.ofDays(i)), Duration.ofDays(1), close - 0.5,
                    close + 1, close - 1.5, close, close, 1_000_000 + i * 1000L);
              })
          .toList();
  private static final Bar AAPL_LAST = AAPL_BARS.get(AAPL_BARS.size() - 1);
  private static final Prediction AAPL_PREDICTION =
      new Prediction(
          "AAPL", AAPL_LAST.start(), 1, AAPL_LAST.adjustedClose(), 0.002, 139.6,
          List.of(new Prediction.Interval(0.8, -0.02, 0.022, 136.0, 142.5), new Prediction.Interval(0.9, -0.03, 0.034, 135.0, 144.5)),
          0.54, "tickcast-linear-h1", "e4cc7d1ccc2b", new double[] {0.1, 0.2}, NOW);
  private static final TickerView AAPL =
      view("AAPL", AAPL_BARS, AAPL_PREDICTION, null,
          Map.of("tickcast-linear-h1@e4cc7d1ccc2b", new LiveScore(3, 0.03, 0.0004, 2, Map.of("0.9", 3L))));
  private static final TickerView MSFT =
      view(
          "MSFT",
          List.of(new Bar("MSFT", Instant.parse("2021-01-04T00:00:00Z"), Duration.ofDays(1), 200, 202, 199, 201, 201, 1000)),
          null,
          new PredictionUpdate.Unavailable("warming-up", "the feature vector needs more history"),
          Map.of());
  private static final List<HistoryPage.Entry> AAPL_HISTORY =
      AAPL_BARS.stream()
          .map(
              bar -> {
                boolean predicted = bar.start().getEpochSecond() / 86400 % 2 == 0;
                return new HistoryPage.Entry(
                    bar, predicted ? bar.close() - 0.1 : null, predicted ? 1200 : null,
                    predicted ? AAPL_PREDICTION : null,
                    predicted ? new HistoryPage.Resolution("tickcast-linear-h1", "e4cc7d1ccc2b", 0.002, -0.01, bar.end()) : null);
              })
          .toList();

  private static TickerView view(
      String ticker, List<Bar> bars, Prediction prediction, PredictionUpdate.Unavailable unavailable, Map<String, LiveScore> scores) {
    IndicatorSet indicators = IndicatorSet.standard();
    bars.forEach(indicators::update);
    return new TickerView(
        ticker, bars.size(), bars.get(bars.size() - 1), indicators.values(), bars.size(), Instant.parse("2026-01-01T00:00:00Z"),
        prediction, unavailable, scores);
  }

  // ---- services ----------------------------------------------------------------------------

  /** AAPL (predicted) and MSFT (warming up) are known; SLOW never answers in time. */
  private static final TickerService TICKERS =
      new TickerService() {
        @Override
        public CompletionStage<List<TickerView>> all() {
          return CompletableFuture.completedFuture(List.of(AAPL, MSFT));
        }

        @Override
        public CompletionStage<Optional<TickerView>> view(String ticker) {
          if (ticker.equals("SLOW")) {
            return CompletableFuture.failedFuture(new TimeoutException("ask timed out"));
          }
          return CompletableFuture.completedFuture(Optional.ofNullable(Map.of("AAPL", AAPL, "MSFT", MSFT).get(ticker)));
        }

        @Override
        public CompletionStage<Optional<HistoryPage>> history(String ticker, HistoryQuery query) {
          if (ticker.equals("MSFT")) {
            return CompletableFuture.completedFuture(Optional.of(HistoryPage.EMPTY));
          }
          if (!ticker.equals("AAPL")) {
            return CompletableFuture.completedFuture(Optional.empty());
          }
          List<HistoryPage.Entry> matching =
              AAPL_HISTORY.stream()
                  .filter(e -> !e.bar().start().isBefore(query.from()) && e.bar().start().isBefore(query.until()))
                  .sorted(Comparator.comparing((HistoryPage.Entry e) -> e.bar().start()).reversed())
                  .toList();
          boolean more = matching.size() > query.limit();
          return CompletableFuture.completedFuture(Optional.of(new HistoryPage(more ? matching.subList(0, query.limit()) : matching, more)));
        }

        /** A gap (for an unknown position), AAPL's update and MSFT's prediction outcome, then open. */
        @Override
        public Source<StreamEvent, NotUsed> updates(StreamEvent.Subscription subscription) {
          List<StreamEvent> events = new ArrayList<>();
          if (subscription.lastEventId().isPresent()) {
            events.add(new StreamEvent.Gap(null, "position unknown"));
          }
          List<io.tickcast.protocols.TickerUpdate> updates =
              List.of(AAPL, new PredictionUpdate("MSFT", 1, MSFT.bar().start(), null, MSFT.predictionUnavailable()));
          for (int i = 0; i < updates.size(); i++) {
            if (subscription.wants(updates.get(i))) {
              events.add(new StreamEvent.Positioned("e1-" + (i + 1), updates.get(i)));
            }
          }
          return Source.from(events).concat(Source.<StreamEvent>maybe().mapMaterializedValue(p -> NotUsed.getInstance()));
        }

        @Override
        public IngestCounts ingestCounts() {
          return new IngestCounts(5, 1, Map.of("malformed", 2L));
        }
      };

  private static final String SELF = "pekko://tickcast@127.0.0.1:25520";
  private static final ClusterOverview.Member SELF_MEMBER = new ClusterOverview.Member(SELF, List.of("dc-default"), "up", true, NOW);

  private static final ClusterService CLUSTER =
      new ClusterService() {
        @Override
        public CompletionStage<ClusterOverview> overview() {
          return CompletableFuture.completedFuture(
              new ClusterOverview(
                  SELF, SELF,
                  List.of(SELF_MEMBER, new ClusterOverview.Member("pekko://tickcast@127.0.0.1:25521", List.of(), "joining", true, null)),
                  List.of(new ClusterOverview.NodeShards(SELF, 2, 3, Map.of("0", 2, "3", 1), List.of("7")))));
        }

        @Override
        public CompletionStage<Optional<ClusterOverview.Member>> changeMembership(String address, MembershipChange change) {
          return CompletableFuture.completedFuture(address.equals(SELF) ? Optional.of(SELF_MEMBER) : Optional.empty());
        }
      };

  private static final ModelCatalog MODELS =
      new ModelCatalog() {
        @Override
        public CompletionStage<List<ModelEntry>> models() {
          try {
            return CompletableFuture.completedFuture(
                List.of(
                    new ModelEntry(
                        ModelArtifact.loadDefault().metadata(), NOW, "cli:ada", List.of("champion"),
                        new LiveScore(3, 0.03, 0.0004, 2, Map.of("0.9", 3L)))));
          } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
          }
        }

        @Override
        public CompletionStage<List<AliasMove>> assign(String model, AssignAlias request, String by) {
          if (request.version().equals("unknown")) {
            return CompletableFuture.failedFuture(new Refused("unknown-version", 404, model + " has no version unknown"));
          }
          if (request.version().equals("weak00000000") && !Boolean.TRUE.equals(request.force())) {
            return CompletableFuture.failedFuture(new Refused("not-promotable", 409, "weak00000000 did not beat the random walk"));
          }
          return CompletableFuture.completedFuture(
              List.of(new AliasMove(model, request.alias(), request.version(), null, NOW, by, request.reason(), Boolean.TRUE.equals(request.force()))));
        }
      };

  /** Watches in a map; ZZZZ has no data. */
  private static final class InMemoryWatches implements WatchService {
    final Map<String, WatchView> watches = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<WatchView> add(String owner, NewWatch w) {
      if (w.ticker().equals("ZZZZ")) {
        return CompletableFuture.failedFuture(new Refused("unknown-ticker", 404, "no bar has been received for ZZZZ"));
      }
      String id = Watch.newId(w.ticker());
      WatchView view =
          new WatchView(
              id, owner, w.ticker(), w.condition(), w.cooldown(), w.delivery(), NOW, false, 0, null,
              w.delivery().webhook() == null
                  ? null
                  : new WatchView.WebhookStatus(0, 0, 1, null, new WatchView.DeliveryFailure("a1", 3, "HTTP 500", NOW, true)));
      watches.put(id, view);
      return CompletableFuture.completedFuture(view);
    }

    @Override
    public CompletionStage<List<WatchView>> list(String owner) {
      return CompletableFuture.completedFuture(
          watches.values().stream().filter(w -> w.owner().equals(owner)).sorted(Comparator.comparing(WatchView::id)).toList());
    }

    @Override
    public CompletionStage<Optional<WatchView>> get(String watchId) {
      return CompletableFuture.completedFuture(Optional.ofNullable(watches.get(watchId)));
    }

    @Override
    public CompletionStage<WatchView> remove(String watchId, String owner) {
      WatchView view = watches.get(watchId);
      if (view == null) {
        return CompletableFuture.failedFuture(new Refused("unknown-watch", 404, "there is no watch " + watchId));
      }
      if (!view.owner().equals(owner)) {
        return CompletableFuture.failedFuture(new Refused("forbidden", 403, "watch " + watchId + " belongs to someone else"));
      }
      watches.remove(watchId);
      return CompletableFuture.completedFuture(view);
    }

    @Override
    public Source<StreamEvent, NotUsed> alerts(String owner, Optional<String> lastEventId) {
      AlertUpdate alert =
          new AlertUpdate(
              "AAPL", 42, "9d5ed678-fe57-4cca-b3f0-2f3b8f1c2a1e", "AAPL~00000000000000000000000000000001", owner,
              new WatchCondition.PriceCross(Direction.ABOVE, 200), 201.5, Instant.parse("2026-03-02T09:59:00Z"), NOW);
      return Source.<StreamEvent>single(new StreamEvent.Positioned("e1-7", alert))
          .concat(Source.<StreamEvent>maybe().mapMaterializedValue(p -> NotUsed.getInstance()));
    }
  }

  private static final InMemoryWatches WATCHES = new InMemoryWatches();

  // ---- set-up ------------------------------------------------------------------------------

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    Security security = TestSecurity.of(KEYS);
    ApiRoutes api = new ApiRoutes(TICKERS, CLUSTER, MODELS, security, Duration.ofMillis(200), Duration.ofSeconds(30));
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(api.routes(new WatchRoutes(WATCHES, security, Duration.ofMillis(200)).routes()))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();

    // The document as served, without a key.
    HttpResponse<String> served =
        client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.headers().firstValue("Content-Type")).hasValue("application/json");
    try (InputStream in = OpenApiContractTest.class.getClassLoader().getResourceAsStream(OpenApiRoutes.RESOURCE)) {
      assertThat(served.body()).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    document = Json.MAPPER.readTree(served.body());
    assertThat(document.path("openapi").asText()).isEqualTo("3.0.3");
    validator = OpenApiInteractionValidator.createForInlineApiSpecification(served.body()).build();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      Pattern pattern = Pattern.compile("^" + path.getKey().replaceAll("\\{[^/}]+}", "\\\\E[^/]+\\\\Q").transform(p -> "\\Q" + p + "\\E") + "$");
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next().toUpperCase(Locale.ROOT);
        if (Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
          operations.put(method + " " + path.getKey(), pattern);
        }
      }
    }
    // The served document itself is an operation; its exchange is checked like any other.
    call("GET", "/api/v1/openapi.json", null, null, true);
  }

  @AfterAll
  static void unbind() {
    if (binding != null) {
      binding.unbind();
    }
    testKit.shutdownTestKit();
  }

  // ---- the exchange ------------------------------------------------------------------------

  /** The documented operation a request is for; fails for an undocumented path or method. */
  private static String operation(String method, String rawPath) {
    String best = null;
    for (Map.Entry<String, Pattern> op : operations.entrySet()) {
      if (op.getKey().startsWith(method + " ") && op.getValue().matcher(rawPath).matches()) {
        // A literal segment beats a parameter: fewest parameters wins.
        if (best == null || op.getKey().chars().filter(c -> c == '{').count() < best.chars().filter(c -> c == '{').count()) {
          best = op.getKey();
        }
      }
    }
    assertThat(best).as("%s %s is not documented in openapi.json", method, rawPath).isNotNull();
    return best;
  }

  private static HttpRequest.Builder builder(String pathAndQuery, ApiKeys.NewKey key, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10));
    if (key != null) {
      b.header("Authorization", "Bearer " + key.secret());
    }
    headers.forEach(b::header);
    return b;
  }

  private static SimpleRequest validatorRequest(String method, URI uri, ApiKeys.NewKey key, String body, Map<String, String> headers) {
    SimpleRequest.Builder r = new SimpleRequest.Builder(method, uri.getRawPath());
    if (uri.getRawQuery() != null) {
      Map<String, List<String>> params = new LinkedHashMap<>();
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      }
      params.forEach(r::withQueryParam);
    }
    if (key != null) {
      r.withAuthorization("Bearer " + key.secret());
    }
    headers.forEach(r::withHeader);
    if (body != null) {
      r.withContentType("application/json").withBody(body);
    }
    return r.build();
  }

  private static void check(
      String method, URI uri, ApiKeys.NewKey key, String body, Map<String, String> headers, boolean validRequest,
      int status, Map<String, List<String>> responseHeaders, String responseBody) {
    String op = operation(method, uri.getRawPath());
    assertThat(status).as("%s %s: never a 500 (%s)", method, uri, responseBody).isNotEqualTo(500);
    SimpleResponse.Builder response = new SimpleResponse.Builder(status);
    responseHeaders.forEach((name, values) -> {
      if (!name.equals(":status")) {
        response.withHeader(name, values);
      }
    });
    if (responseBody != null && !responseBody.isEmpty()) {
      response.withBody(responseBody);
    }
    SimpleRequest request = validatorRequest(method, uri, key, body, headers);
    ValidationReport report =
        validRequest
            ? validator.validate(request, response.build())
            : validator.validateResponse(uri.getRawPath(), Request.Method.valueOf(method), response.build());
    assertThat(report.hasErrors())
        .as("%s %s -> %d %s\n%s", method, uri, status, responseBody, SimpleValidationReportFormat.getInstance().apply(report))
        .isFalse();
    exercised.computeIfAbsent(op, o -> new TreeSet<>()).add(status);
    synchronized (OpenApiContractTest.class) {
      validated++;
    }
  }

  /** Sends the request, validates the exchange and returns the response. */
  private static HttpResponse<String> call(
      String method, String pathAndQuery, ApiKeys.NewKey key, String body, boolean validRequest, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = builder(pathAndQuery, key, headers);
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> response = client.send(b.method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
    check(method, URI.create(base + pathAndQuery), key, body, headers, validRequest, response.statusCode(), response.headers().map(), response.body());
    return response;
  }

  private static HttpResponse<String> call(String method, String pathAndQuery, ApiKeys.NewKey key, String body, boolean validRequest)
      throws Exception {
    return call(method, pathAndQuery, key, body, validRequest, Map.of());
  }

  private static HttpResponse<String> get(String pathAndQuery, ApiKeys.NewKey key) throws Exception {
    return call("GET", pathAndQuery, key, null, true);
  }

  /** A request the client got wrong: only the response is checked against the document. */
  private static HttpResponse<String> bad(String method, String pathAndQuery, ApiKeys.NewKey key, String body) throws Exception {
    return call(method, pathAndQuery, key, body, false);
  }

  /**
   * Opens an event stream, reads its first event (up to the blank line that ends it), cancels it,
   * and validates status, content type and that the event is one the document names.
   */
  private static String stream(String pathAndQuery, ApiKeys.NewKey key, Map<String, String> headers, String expectedEvent)
      throws Exception {
    HttpResponse<InputStream> response = client.send(builder(pathAndQuery, key, headers).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    StringBuilder event = new StringBuilder();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      if (response.statusCode() == 200) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (line.isEmpty() && event.indexOf("event:") >= 0) {
            break;
          }
          if (!line.isEmpty() && !line.startsWith(":")) {
            event.append(line).append('\n');
          }
        }
      } else {
        reader.lines().forEach(l -> event.append(l).append('\n'));
      }
    }
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    check("GET", URI.create(base + pathAndQuery), key, null, headers, true, response.statusCode(), response.headers().map(), event.toString());
    assertThat(event.toString()).as("first event of %s", pathAndQuery).containsPattern("(?m)^event: ?" + expectedEvent + "$");
    // The event's data is the document's schema for it.
    String data = event.toString().lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).strip()).findFirst().orElseThrow();
    String schema = Map.of("update", "TickerView", "prediction", "PredictionUpdate", "gap", "Gap", "alert", "AlertUpdate").get(expectedEvent);
    assertEventData(schema, data);
    return event.toString();
  }

  /**
   * Validates an event's data against a component schema, through a synthetic exchange of the
   * validator (SSE bodies are not JSON, so it would not look inside them).
   */
  private static void assertEventData(String schema, String data) {
    OpenApiInteractionValidator eventValidator = EVENT_VALIDATORS.computeIfAbsent(schema, OpenApiContractTest::eventValidator);
    ValidationReport report =
        eventValidator.validateResponse(
            "/event", Request.Method.GET, SimpleResponse.Builder.ok().withContentType("application/json").withBody(data).build());
    assertThat(report.hasErrors()).as("%s event %s\n%s", schema, data, SimpleValidationReportFormat.getInstance().apply(report)).isFalse();
  }

  private static final Map<String, OpenApiInteractionValidator> EVENT_VALIDATORS = new ConcurrentHashMap<>();

  private static OpenApiInteractionValidator eventValidator(String schema) {
    com.fasterxml.jackson.databind.node.ObjectNode doc = document.deepCopy();
    com.fasterxml.jackson.databind.node.ObjectNode paths = doc.putObject("paths");
    paths.putObject("/event").putObject("get").put("operationId", "event").putArray("security");
    ((com.fasterxml.jackson.databind.node.ObjectNode) paths.get("/event").get("get"))
        .putObject("responses").putObject("200").put("description", "event").putObject("content")
        .putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/" + schema);
    return OpenApiInteractionValidator.createForInlineApiSpecification(doc.toString()).build();
  }

  private static void assertProblem(HttpResponse<String> response, int status, String type, String mentions) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = Json.MAPPER.readTree(response.body());
    assertThat(problem.get("type").asText()).isEqualTo("https://tickcast.io/problems/" + type);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    if (mentions != null) {
      assertThat(problem.get("detail").asText()).contains(mentions);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- tickers -----------------------------------------------------------------------------

  @Test
  @Order(1)
  void tickers() throws Exception {
    assertThat(get("/api/v1/tickers", VIEWER).statusCode()).isEqualTo(200);
    assertProblem(bad("GET", "/api/v1/tickers", null, null), 401, "unauthorized", null);
    assertProblem(bad("GET", "/api/v1/tickers", ApiKeys.generate(), null), 401, "unauthorized", null);

    assertThat(get("/api/v1/tickers/AAPL", VIEWER).statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/tickers/MSFT", ADMIN).statusCode()).isEqualTo(200);
    assertProblem(get("/api/v1/tickers/ZZZZ", VIEWER), 404, "unknown-ticker", "ZZZZ");
    assertProblem(bad("GET", "/api/v1/tickers/aapl%21", VIEWER, null), 400, "invalid-ticker", "'ticker'");
    assertProblem(bad("GET", "/api/v1/tickers/AAPL", null, null), 401, "unauthorized", null);
    assertProblem(get("/api/v1/tickers/SLOW", VIEWER), 503, "unavailable", null);

    assertThat(get("/api/v1/tickers/AAPL/prediction", VIEWER).statusCode()).isEqualTo(200);
    assertProblem(get("/api/v1/tickers/MSFT/prediction", VIEWER), 404, "no-prediction", "warming-up");
    assertProblem(get("/api/v1/tickers/ZZZZ/prediction", VIEWER), 404, "unknown-ticker", null);
    assertProblem(bad("GET", "/api/v1/tickers/TOOLONGSYMBOL/prediction", VIEWER, null), 400, "invalid-ticker", "'ticker'");
    assertProblem(bad("GET", "/api/v1/tickers/AAPL/prediction", null, null), 401, "unauthorized", null);
  }

  @Test
  @Order(2)
  void history() throws Exception {
    HttpResponse<String> first = get("/api/v1/tickers/AAPL/history?limit=5", VIEWER);
    String token = Json.MAPPER.readTree(first.body()).get("nextPageToken").asText();
    get("/api/v1/tickers/AAPL/history?from=2021-01-01&to=2021-02-01T00:00:00Z&limit=5&pageToken=" + enc(token), VIEWER);
    get("/api/v1/tickers/MSFT/history", VIEWER);
    assertProblem(get("/api/v1/tickers/ZZZZ/history", VIEWER), 404, "unknown-ticker", null);
    assertProblem(bad("GET", "/api/v1/tickers/AAPL/history?limit=0", VIEWER, null), 400, "invalid-parameter", "'limit'");
    assertProblem(bad("GET", "/api/v1/tickers/AAPL/history?limit=ten", VIEWER, null), 400, "invalid-parameter", "'limit'");
    assertProblem(bad("GET", "/api/v1/tickers/AAPL/history?from=yesterday", VIEWER, null), 400, "invalid-parameter", "'from'");
    assertProblem(bad("GET", "/api/v1/tickers/AAPL/history?to=2021-13-45", VIEWER, null), 400, "invalid-parameter", "'to'");
    assertProblem(
        bad("GET", "/api/v1/tickers/AAPL/history?from=2021-02-01&to=2021-01-01", VIEWER, null), 400, "invalid-parameter", "'to'");
    assertProblem(bad("GET", "/api/v1/tickers/AAPL/history?pageToken=nope", VIEWER, null), 400, "invalid-parameter", "'pageToken'");
    assertProblem(bad("GET", "/api/v1/tickers/a_b/history", VIEWER, null), 400, "invalid-ticker", "'ticker'");
    assertProblem(bad("GET", "/api/v1/tickers/AAPL/history", null, null), 401, "unauthorized", null);
  }

  @Test
  @Order(3)
  void features() throws Exception {
    HttpResponse<String> features = get("/api/v1/tickers/AAPL/features", VIEWER);
    assertThat(Json.MAPPER.readTree(features.body()).get("values")).hasSize(17);
    assertProblem(get("/api/v1/tickers/MSFT/features", VIEWER), 409, "features-not-ready", null);
    assertProblem(get("/api/v1/tickers/ZZZZ/features", VIEWER), 404, "unknown-ticker", null);
    assertProblem(bad("GET", "/api/v1/tickers/1ABC/features", VIEWER, null), 400, "invalid-ticker", "'ticker'");
    assertProblem(bad("GET", "/api/v1/tickers/AAPL/features", null, null), 401, "unauthorized", null);
  }

  @Test
  @Order(4)
  void batchPredictions() throws Exception {
    HttpResponse<String> batch = call("POST", "/api/v1/predictions:batch", VIEWER, "{\"tickers\":[\"AAPL\",\"MSFT\",\"ZZZZ\",\"AAPL\"]}", true);
    assertThat(Json.MAPPER.readTree(batch.body()).get("predictions")).hasSize(3);
    assertProblem(bad("POST", "/api/v1/predictions:batch", VIEWER, "{\"tickers\":[]}"), 400, "invalid-request", "'tickers'");
    assertProblem(bad("POST", "/api/v1/predictions:batch", VIEWER, "{}"), 400, "invalid-request", "'tickers'");
    assertProblem(bad("POST", "/api/v1/predictions:batch", VIEWER, "{\"tickers\":"), 400, "invalid-request", null);
    assertProblem(bad("POST", "/api/v1/predictions:batch", VIEWER, "{\"tickers\":[\"AAPL\",\"no!\"]}"), 400, "invalid-ticker", "'tickers'");
    String tooMany = "{\"tickers\":[" + String.join(",", IntStream.range(0, 101).mapToObj(i -> "\"T" + i + "\"").toList()) + "]}";
    assertProblem(bad("POST", "/api/v1/predictions:batch", VIEWER, tooMany), 400, "invalid-request", "'tickers'");
    assertProblem(bad("POST", "/api/v1/predictions:batch", null, "{\"tickers\":[\"AAPL\"]}"), 401, "unauthorized", null);
  }

  // ---- the stream and operations -------------------------------------------------------------

  @Test
  @Order(5)
  void stream() throws Exception {
    stream("/api/v1/stream", VIEWER, Map.of(), "update");
    stream("/api/v1/stream?tickers=MSFT&events=prediction", VIEWER, Map.of(), "prediction");
    stream("/api/v1/stream?tickers=AAPL&access_token=" + VIEWER.secret(), null, Map.of(), "update");
    stream("/api/v1/stream", VIEWER, Map.of("Last-Event-ID", "x9-1"), "gap");
    assertProblem(bad("GET", "/api/v1/stream?tickers=AAPL,bad!", VIEWER, null), 400, "invalid-ticker", "'tickers'");
    assertProblem(bad("GET", "/api/v1/stream?events=update,trades", VIEWER, null), 400, "invalid-event-type", "'events'");
    assertProblem(bad("GET", "/api/v1/stream", null, null), 401, "unauthorized", null);
  }

  @Test
  @Order(6)
  void ingestStats() throws Exception {
    assertThat(get("/api/v1/ingest/stats", VIEWER).body()).contains("\"malformed\":2");
    assertProblem(bad("GET", "/api/v1/ingest/stats", null, null), 401, "unauthorized", null);
  }

  // ---- models ------------------------------------------------------------------------------

  @Test
  @Order(7)
  void models() throws Exception {
    assertThat(get("/api/v1/models", VIEWER).statusCode()).isEqualTo(200);
    assertProblem(bad("GET", "/api/v1/models", null, null), 401, "unauthorized", null);

    String path = "/api/v1/models/tickcast-linear-h1/aliases";
    assertThat(call("POST", path, ADMIN, "{\"alias\":\"challenger\",\"version\":\"e4cc7d1ccc2b\",\"reason\":\"better\"}", true).statusCode())
        .isEqualTo(200);
    assertThat(call("POST", path, ADMIN, "{\"alias\":\"champion\",\"version\":\"weak00000000\",\"force\":true}", true).statusCode())
        .isEqualTo(200);
    assertProblem(call("POST", path, ADMIN, "{\"alias\":\"champion\",\"version\":\"weak00000000\"}", true), 409, "not-promotable", null);
    assertProblem(call("POST", path, ADMIN, "{\"alias\":\"champion\",\"version\":\"unknown\"}", true), 404, "unknown-version", null);
    assertProblem(bad("POST", path, ADMIN, "{\"alias\":\"champion\"}"), 400, "invalid-request", "'version'");
    assertProblem(bad("POST", path, ADMIN, "{\"version\":\"e4cc7d1ccc2b\"}"), 400, "invalid-request", "'alias'");
    assertProblem(bad("POST", path, ADMIN, "[1,2"), 400, "invalid-request", null);
    assertProblem(call("POST", path, TRADER, "{\"alias\":\"champion\",\"version\":\"e4cc7d1ccc2b\"}", true), 403, "forbidden", "admin");
    assertProblem(bad("POST", path, null, "{\"alias\":\"champion\",\"version\":\"e4cc7d1ccc2b\"}"), 401, "unauthorized", null);
  }

  // ---- cluster -----------------------------------------------------------------------------

  @Test
  @Order(8)
  void cluster() throws Exception {
    assertThat(get("/api/v1/cluster", VIEWER).statusCode()).isEqualTo(200);
    assertProblem(bad("GET", "/api/v1/cluster", null, null), 401, "unauthorized", null);
    for (String action : List.of("leave", "down")) {
      String self = "/api/v1/cluster/members/" + enc(SELF) + "/" + action;
      assertThat(call("POST", self, ADMIN, null, true).statusCode()).isEqualTo(202);
      assertProblem(call("POST", "/api/v1/cluster/members/" + enc("pekko://tickcast@10.9.9.9:25520") + "/" + action, ADMIN, null, true),
          404, "unknown-member", null);
      assertProblem(bad("POST", "/api/v1/cluster/members/" + enc("not an address") + "/" + action, ADMIN, null), 400, "invalid-address", "'address'");
      assertProblem(call("POST", self, VIEWER, null, true), 403, "forbidden", "admin");
      assertProblem(bad("POST", self, null, null), 401, "unauthorized", null);
    }
  }

  // ---- watches and alerts ------------------------------------------------------------------

  private static final String PRICE_WATCH =
      "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"price-cross\",\"direction\":\"above\",\"level\":200},"
          + "\"cooldown\":\"PT15M\",\"delivery\":{\"sse\":true,\"webhook\":\"https://hooks.example.com/a?x=1\"}}";
  private static final String RSI_WATCH =
      "{\"ticker\":\"MSFT\",\"condition\":{\"type\":\"indicator-cross\",\"indicator\":\"rsi_14\",\"direction\":\"below\",\"level\":30}}";

  @Test
  @Order(9)
  void watches() throws Exception {
    HttpResponse<String> created = call("POST", "/api/v1/watches", TRADER, PRICE_WATCH, true);
    assertThat(created.statusCode()).isEqualTo(201);
    String id = Json.MAPPER.readTree(created.body()).get("id").asText();
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/watches/" + id);
    assertThat(call("POST", "/api/v1/watches", TRADER, RSI_WATCH, true).statusCode()).isEqualTo(201);
    assertProblem(call("POST", "/api/v1/watches", TRADER, PRICE_WATCH.replace("AAPL", "ZZZZ"), true), 404, "unknown-ticker", null);
    assertProblem(bad("POST", "/api/v1/watches", TRADER, PRICE_WATCH.replace("\"level\":200", "\"level\":\"high\"")),
        400, "invalid-watch", "'condition.level'");
    assertProblem(bad("POST", "/api/v1/watches", TRADER, PRICE_WATCH.replace("\"AAPL\"", "\"aapl\"")), 400, "invalid-watch", "'ticker'");
    assertProblem(bad("POST", "/api/v1/watches", TRADER, PRICE_WATCH.replace("PT15M", "15 minutes")), 400, "invalid-watch", "'cooldown'");
    assertProblem(bad("POST", "/api/v1/watches", TRADER, PRICE_WATCH.replace("https://hooks", "ftp://hooks")),
        400, "invalid-watch", "'delivery.webhook'");
    assertProblem(bad("POST", "/api/v1/watches", TRADER, PRICE_WATCH.replace("\"cooldown\"", "\"coldown\"")), 400, "invalid-watch", "'coldown'");
    assertProblem(bad("POST", "/api/v1/watches", TRADER, "not json"), 400, "invalid-watch", null);
    assertProblem(call("POST", "/api/v1/watches", VIEWER, PRICE_WATCH, true), 403, "forbidden", "trader");
    assertProblem(bad("POST", "/api/v1/watches", null, PRICE_WATCH), 401, "unauthorized", null);

    assertThat(Json.MAPPER.readTree(get("/api/v1/watches", TRADER).body()).get("watches")).hasSize(2);
    assertProblem(get("/api/v1/watches", VIEWER), 403, "forbidden", "trader");
    assertProblem(bad("GET", "/api/v1/watches", null, null), 401, "unauthorized", null);

    String one = "/api/v1/watches/" + enc(id);
    assertThat(get(one, TRADER).statusCode()).isEqualTo(200);
    assertProblem(get(one, OTHER_TRADER), 403, "forbidden", "another owner");
    assertProblem(get(one, VIEWER), 403, "forbidden", "trader");
    assertProblem(get("/api/v1/watches/" + enc("AAPL~00000000000000000000000000000009"), TRADER), 404, "unknown-watch", null);
    assertProblem(bad("GET", one, null, null), 401, "unauthorized", null);

    assertProblem(call("DELETE", one, OTHER_TRADER, null, true), 403, "forbidden", null);
    assertProblem(call("DELETE", one, VIEWER, null, true), 403, "forbidden", "trader");
    assertProblem(bad("DELETE", one, null, null), 401, "unauthorized", null);
    assertThat(call("DELETE", one, TRADER, null, true).statusCode()).isEqualTo(204);
    assertProblem(call("DELETE", one, TRADER, null, true), 404, "unknown-watch", null);
  }

  @Test
  @Order(10)
  void alertStream() throws Exception {
    stream("/api/v1/alerts/stream", TRADER, Map.of(), "alert");
    stream("/api/v1/alerts/stream", TRADER, Map.of("Last-Event-ID", "e1-6"), "alert");
    assertProblem(call("GET", "/api/v1/alerts/stream", VIEWER, null, true), 403, "forbidden", "trader");
    assertProblem(bad("GET", "/api/v1/alerts/stream", null, null), 401, "unauthorized", null);
  }

  // ---- the contract as a whole -------------------------------------------------------------

  /** A path outside the document is caught by the same check that guards every exchange. */
  @Test
  @Order(11)
  void undocumentedPathsAreCaught() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> operation("GET", "/api/v1/tickers/AAPL/secrets"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("not documented");
  }

  /** Every documented operation was exercised above, with a success and an error. */
  @Test
  @Order(Integer.MAX_VALUE)
  void everyDocumentedOperationIsExercised() {
    Map<String, Set<Integer>> seen = new TreeMap<>(exercised);
    System.out.printf("OpenAPI contract: %d operations documented, %d exchanges validated%n", operations.size(), validated);
    seen.forEach((op, statuses) -> System.out.printf("  %-55s %s%n", op, statuses));
    assertThat(seen.keySet()).as("operations without an exercised request").containsAll(operations.keySet());
    seen.forEach(
        (op, statuses) -> {
          assertThat(statuses).as("%s: a success", op).anyMatch(s -> s < 300);
          if (!op.equals("GET /api/v1/openapi.json")) {
            assertThat(statuses).as("%s: an error", op).anyMatch(s -> s >= 400);
          }
        });
  }
}
