package io.tickcast.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.tickcast.features.IndicatorSet;
import io.tickcast.features.vector.FeatureVector;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.AuditEntry;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.PredictionUpdate;
import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.TickerView;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * History, features, batch predictions and cluster routes on a real Pekko HTTP server (ephemeral
 * port), through {@link ApiRoutes} and its error handling, over in-memory services.
 */
class QueryRoutesTest {

  private static final HttpClient client = HttpClient.newHttpClient();
  private static ActorTestKit testKit;
  private static ServerBinding binding;
  private static String base;

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
          "AAPL", AAPL_LAST.start(), 1, AAPL_LAST.adjustedClose(), 0.002, 130.2,
          List.of(new Prediction.Interval(0.9, -0.03, 0.034, 126.0, 134.5)), 0.54, "tickcast-linear-h1", "e4cc7d1ccc2b",
          new double[] {0.1, 0.2}, Instant.parse("2026-01-01T00:00:01Z"));
  private static final TickerView AAPL = view("AAPL", AAPL_BARS, AAPL_PREDICTION, null);
  private static final TickerView MSFT =
      view(
          "MSFT",
          List.of(new Bar("MSFT", Instant.parse("2021-01-04T00:00:00Z"), Duration.ofDays(1), 200, 202, 199, 201, 201, 1000)),
          null,
          new PredictionUpdate.Unavailable("warming-up", "the feature vector needs more history"));

  /** AAPL's history: each bar, with a prediction and its resolution on every other bar. */
  private static final List<HistoryPage.Entry> AAPL_HISTORY =
      AAPL_BARS.stream()
          .map(
              bar -> {
                boolean predicted = bar.start().getEpochSecond() / 86400 % 2 == 0;
                return new HistoryPage.Entry(
                    bar, null, null,
                    predicted ? AAPL_PREDICTION : null,
                    predicted ? new HistoryPage.Resolution("tickcast-linear-h1", "e4cc7d1ccc2b", 0.002, -0.01, bar.end()) : null);
              })
          .toList();

  private static TickerView view(String ticker, List<Bar> bars, Prediction prediction, PredictionUpdate.Unavailable unavailable) {
    IndicatorSet indicators = IndicatorSet.standard();
    bars.forEach(indicators::update);
    return new TickerView(
        ticker, bars.size(), bars.get(bars.size() - 1), indicators.values(), bars.size(), Instant.parse("2026-01-01T00:00:00Z"),
        prediction, unavailable, Map.of());
  }

  private static final List<HistoryQuery> historyQueries = new CopyOnWriteArrayList<>();

  /** AAPL and MSFT are known (MSFT without history yet); SLOW never answers in time. */
  private static final TickerService SERVICE =
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

        /** Pages AAPL_HISTORY the way the node's store does: newest first, from ≤ start < until. */
        @Override
        public CompletionStage<Optional<HistoryPage>> history(String ticker, HistoryQuery query) {
          historyQueries.add(query);
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
          return CompletableFuture.completedFuture(
              Optional.of(new HistoryPage(more ? matching.subList(0, query.limit()) : matching, more)));
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

  private static final String SELF = "pekko://tickcast@127.0.0.1:25520";
  private static final ClusterOverview.Member SELF_MEMBER =
      new ClusterOverview.Member(SELF, List.of("dc-default"), "up", true, Instant.parse("2026-01-01T00:00:00Z"));
  private static final List<String> membershipChanges = new CopyOnWriteArrayList<>();

  private static final ClusterService CLUSTER =
      new ClusterService() {
        @Override
        public CompletionStage<ClusterOverview> overview() {
          return CompletableFuture.completedFuture(
              new ClusterOverview(
                  SELF, SELF, List.of(SELF_MEMBER),
                  List.of(new ClusterOverview.NodeShards(SELF, 2, 3, Map.of("0", 2, "3", 1), List.of()))));
        }

        @Override
        public CompletionStage<Optional<ClusterOverview.Member>> changeMembership(String address, MembershipChange change) {
          membershipChanges.add(change + " " + address);
          return CompletableFuture.completedFuture(address.equals(SELF) ? Optional.of(SELF_MEMBER) : Optional.empty());
        }
      };

  private static final ApiKeys.NewKey VIEWER_KEY = ApiKeys.generate();
  private static final ApiKeys.NewKey ADMIN_KEY = ApiKeys.generate();
  private static final Map<String, Principal> KEYS =
      Map.of(
          ApiKeys.hash(VIEWER_KEY.secret()), new Principal("v1", "vera", Role.VIEWER),
          ApiKeys.hash(ADMIN_KEY.secret()), new Principal("a1", "ada", Role.ADMIN));
  private static final List<AuditEntry> audit = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    Security security = TestSecurity.of(KEYS, audit);
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new ApiRoutes(SERVICE, CLUSTER, null, security, Duration.ofSeconds(1), Duration.ofSeconds(30)).routes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void unbind() {
    binding.unbind();
    testKit.shutdownTestKit();
  }

  private static HttpResponse<String> get(String path, ApiKeys.NewKey key) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key.secret()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return get(path, VIEWER_KEY);
  }

  private static HttpResponse<String> post(String path, ApiKeys.NewKey key, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + key.secret())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body());
  }

  /** Asserts a problem document of {@code type} whose detail mentions {@code detail}. */
  private static void assertProblem(HttpResponse<String> response, int status, String type, String detail) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json(response);
    assertThat(problem.get("type").asText()).isEqualTo("https://tickcast.io/problems/" + type);
    assertThat(problem.get("detail").asText()).contains(detail);
  }

  private static List<String> starts(JsonNode page) {
    List<String> starts = new ArrayList<>();
    page.get("entries").forEach(e -> starts.add(e.get("bar").get("start").asText()));
    return starts;
  }

  // ---- history ----------------------------------------------------------------------------

  @Test
  void historyPagesNewestFirstUntilTheLastPage() throws Exception {
    List<String> seen = new ArrayList<>();
    String path = "/api/v1/tickers/AAPL/history?limit=12";
    JsonNode page = json(get(path));
    seen.addAll(starts(page));
    int pages = 1;
    while (page.has("nextPageToken")) {
      page = json(get(path + "&pageToken=" + page.get("nextPageToken").asText()));
      seen.addAll(starts(page));
      pages++;
    }
    assertThat(pages).isEqualTo(4);
    assertThat(seen)
        .containsExactlyElementsOf(AAPL_BARS.stream().map(b -> b.start().toString()).sorted(Comparator.reverseOrder()).toList());
  }

  @Test
  void historyEntriesCarryBarPredictionAndResolution() throws Exception {
    HttpResponse<String> response = get("/api/v1/tickers/AAPL/history?from=2021-01-29&to=2021-01-30");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode page = json(response);
    assertThat(page.get("ticker").asText()).isEqualTo("AAPL");
    assertThat(starts(page)).containsExactly("2021-01-30T00:00:00Z", "2021-01-29T00:00:00Z");
    assertThat(page.has("nextPageToken")).isFalse();
    List<HistoryPage.Entry> expected = List.of(AAPL_HISTORY.get(29), AAPL_HISTORY.get(28));
    for (int i = 0; i < 2; i++) {
      HistoryPage.Entry entry =
          Json.MAPPER
              .readerFor(HistoryPage.Entry.class)
              .without(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
              .readValue(page.get("entries").get(i));
      assertThat(entry).usingRecursiveComparison().isEqualTo(expected.get(i));
    }
    // Exactly one of the two has a prediction; a bar without one leaves the fields out.
    assertThat(page.get("entries").findValues("prediction")).hasSize(1);
    assertThat(page.get("entries").get(0).has("vwap")).isFalse();
  }

  @Test
  void historyBoundsAreInclusiveInstantsOrDates() throws Exception {
    historyQueries.clear();
    get("/api/v1/tickers/AAPL/history?from=2021-01-02T00:00:00Z&to=2021-01-05&limit=3");
    assertThat(historyQueries)
        .containsExactly(
            new HistoryQuery(Instant.parse("2021-01-02T00:00:00Z"), Instant.parse("2021-01-05T00:00:00.001Z"), 3));
    assertThat(starts(json(get("/api/v1/tickers/AAPL/history?from=2021-01-02T00:00:00Z&to=2021-01-05"))))
        .containsExactly("2021-01-05T00:00:00Z", "2021-01-04T00:00:00Z", "2021-01-03T00:00:00Z", "2021-01-02T00:00:00Z");
  }

  @Test
  void historyRefusesMalformedParametersNamingThem() throws Exception {
    String path = "/api/v1/tickers/AAPL/history?";
    assertProblem(get(path + "from=yesterday"), 400, "invalid-parameter", "'from' = 'yesterday'");
    assertProblem(get(path + "to=2021-13-01"), 400, "invalid-parameter", "'to' = '2021-13-01'");
    assertProblem(get(path + "from=2021-02-01&to=2021-01-01"), 400, "invalid-parameter", "'to'");
    assertProblem(get(path + "limit=0"), 400, "invalid-parameter", "'limit' = '0'");
    assertProblem(get(path + "limit=1001"), 400, "invalid-parameter", "'limit' = '1001'");
    assertProblem(get(path + "limit=ten"), 400, "invalid-parameter", "'limit' = 'ten'");
    assertProblem(get(path + "pageToken=bm9wZQ"), 400, "invalid-parameter", "'pageToken'");
    assertProblem(get(path + "pageToken=%25%25"), 400, "invalid-parameter", "'pageToken'");
  }

  @Test
  void historyOfUnknownOrInvalidTickers() throws Exception {
    assertProblem(get("/api/v1/tickers/ZZZZ/history"), 404, "unknown-ticker", "ZZZZ");
    assertProblem(get("/api/v1/tickers/not-a-ticker/history"), 400, "invalid-ticker", "'not-a-ticker'");
    // Known, but nothing projected yet: an empty page, not a 404.
    JsonNode empty = json(get("/api/v1/tickers/MSFT/history"));
    assertThat(empty.get("entries")).isEmpty();
    assertThat(empty.has("nextPageToken")).isFalse();
  }

  @Test
  void queriesNeedAKey() throws Exception {
    for (String path : List.of("/api/v1/tickers/AAPL/history", "/api/v1/tickers/AAPL/features", "/api/v1/cluster")) {
      HttpResponse<String> anonymous =
          client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
      assertProblem(anonymous, 401, "unauthorized", "API key");
    }
  }

  // ---- features ---------------------------------------------------------------------------

  @Test
  void featuresAreTheModelInputOfTheLatestBarWithNames() throws Exception {
    HttpResponse<String> response = get("/api/v1/tickers/AAPL/features");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode features = json(response);
    assertThat(features.get("ticker").asText()).isEqualTo("AAPL");
    assertThat(features.get("asOf").asText()).isEqualTo(AAPL_LAST.start().toString());
    assertThat(features.get("sequenceNr").asLong()).isEqualTo(AAPL.sequenceNr());
    assertThat(features.get("schema").asText()).isEqualTo(FeatureVector.SCHEMA_ID);
    assertThat(Json.MAPPER.treeToValue(features.get("names"), String[].class)).containsExactlyElementsOf(FeatureVector.NAMES);
    assertThat(Json.MAPPER.treeToValue(features.get("values"), double[].class))
        .containsExactly(FeatureVector.of(AAPL.indicators(), AAPL_LAST.adjustedClose()).orElseThrow());
  }

  @Test
  void featuresWhileWarmingUpSayWhichIndicatorsAreNotReady() throws Exception {
    assertProblem(get("/api/v1/tickers/MSFT/features"), 409, "features-not-ready", "1 bars so far");
    assertProblem(get("/api/v1/tickers/MSFT/features"), 409, "features-not-ready", "rsi_14");
    assertProblem(get("/api/v1/tickers/ZZZZ/features"), 404, "unknown-ticker", "ZZZZ");
    assertProblem(get("/api/v1/tickers/aapl/features"), 400, "invalid-ticker", "'aapl'");
  }

  // ---- batch predictions ------------------------------------------------------------------

  @Test
  void batchAnswersEachTickerInOrderWithItsPredictionOrWhyNone() throws Exception {
    HttpResponse<String> response =
        post("/api/v1/predictions:batch", VIEWER_KEY, "{\"tickers\":[\"AAPL\",\"MSFT\",\"ZZZZ\",\"SLOW\",\"AAPL\"]}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answers = json(response).get("predictions");
    assertThat(answers).hasSize(4);
    List<String> tickers = new ArrayList<>();
    answers.forEach(a -> tickers.add(a.get("ticker").asText()));
    assertThat(tickers).containsExactly("AAPL", "MSFT", "ZZZZ", "SLOW");
    assertThat(Json.MAPPER.treeToValue(answers.get(0).get("prediction"), Prediction.class)).isEqualTo(AAPL_PREDICTION);
    assertThat(answers.get(0).has("unavailable")).isFalse();
    assertThat(answers.get(1).get("unavailable").get("code").asText()).isEqualTo("warming-up");
    assertThat(answers.get(2).get("unavailable").get("code").asText()).isEqualTo("unknown-ticker");
    assertThat(answers.get(3).get("unavailable").get("code").asText()).isEqualTo("unavailable");
    assertThat(answers.get(3).has("prediction")).isFalse();
  }

  @Test
  void batchRefusesBadRequestsNamingWhatIsWrong() throws Exception {
    String path = "/api/v1/predictions:batch";
    assertProblem(post(path, VIEWER_KEY, "{\"tickers\":[\"AAPL\",\"bad one\",\"MSFT;\"]}"), 400, "invalid-ticker", "'bad one', 'MSFT;'");
    String tooMany = IntStream.range(0, 101).mapToObj(i -> "\"T" + i + "\"").reduce((a, b) -> a + "," + b).orElseThrow();
    assertProblem(post(path, VIEWER_KEY, "{\"tickers\":[" + tooMany + "]}"), 400, "invalid-request", "at most 100");
    assertProblem(post(path, VIEWER_KEY, "{\"tickers\":[]}"), 400, "invalid-request", "at least one");
    assertProblem(post(path, VIEWER_KEY, "{}"), 400, "invalid-request", "'tickers'");
    assertProblem(post(path, VIEWER_KEY, "[\"AAPL\"]"), 400, "invalid-request", "not a JSON object");
  }

  // ---- cluster ----------------------------------------------------------------------------

  @Test
  void clusterOverviewForViewers() throws Exception {
    HttpResponse<String> response = get("/api/v1/cluster");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    ClusterOverview overview = Json.MAPPER.readValue(response.body(), ClusterOverview.class);
    assertThat(overview).isEqualTo(CLUSTER.overview().toCompletableFuture().get());
  }

  @Test
  void onlyAdminsChangeMembershipAndEveryChangeIsAudited() throws Exception {
    String member = "/api/v1/cluster/members/" + URLEncoder.encode(SELF, StandardCharsets.UTF_8);
    membershipChanges.clear();
    assertProblem(post(member + "/leave", VIEWER_KEY, ""), 403, "forbidden", "admin");
    assertThat(membershipChanges).isEmpty();

    HttpResponse<String> leave = post(member + "/leave", ADMIN_KEY, "");
    assertThat(leave.statusCode()).as(leave.body()).isEqualTo(202);
    assertThat(json(leave).get("requested").asText()).isEqualTo("leave");
    assertThat(json(leave).get("member").get("address").asText()).isEqualTo(SELF);
    HttpResponse<String> down = post(member + "/down", ADMIN_KEY, "");
    assertThat(down.statusCode()).as(down.body()).isEqualTo(202);
    assertThat(membershipChanges).containsExactly("LEAVE " + SELF, "DOWN " + SELF);
    assertThat(audit)
        .anySatisfy(
            e -> {
              assertThat(e.keyId()).isEqualTo("a1");
              assertThat(e.status()).isEqualTo(202);
              assertThat(e.detail()).isEqualTo("cluster member leave");
            });

    String other = "/api/v1/cluster/members/" + URLEncoder.encode("pekko://tickcast@10.0.0.9:25520", StandardCharsets.UTF_8);
    assertProblem(post(other + "/down", ADMIN_KEY, ""), 404, "unknown-member", "10.0.0.9");
    assertProblem(post(member + "/reboot", ADMIN_KEY, ""), 404, "unknown-action", "'reboot'");
    assertProblem(post("/api/v1/cluster/members/not-an-address/down", ADMIN_KEY, ""), 400, "invalid-address", "'not-an-address'");
  }
}
