package io.tickcast.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.http.WatchService.NewWatch;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.AuditEntry;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import io.tickcast.protocols.AlertUpdate;
import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.Watch;
import io.tickcast.protocols.WatchCondition;
import io.tickcast.protocols.WatchCondition.Direction;
import io.tickcast.protocols.WatchView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watch routes on a real Pekko HTTP server (ephemeral port), over an in-memory service. */
class WatchRoutesTest {

  private static final HttpClient client = HttpClient.newHttpClient();
  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  private static ActorTestKit testKit;
  private static ServerBinding binding;
  private static String base;

  private static final ApiKeys.NewKey TINA = ApiKeys.generate();
  private static final ApiKeys.NewKey OTTO = ApiKeys.generate();
  private static final ApiKeys.NewKey VERA = ApiKeys.generate();
  private static final Map<String, Principal> KEYS =
      Map.of(
          TINA.hash(), new Principal("t1", "tina", Role.TRADER),
          OTTO.hash(), new Principal("o1", "otto", Role.ADMIN),
          VERA.hash(), new Principal("v1", "vera", Role.VIEWER));
  private static final List<AuditEntry> audit = new CopyOnWriteArrayList<>();

  /** Watches in a map; ZZZZ is a ticker without data. */
  private static final class InMemoryWatches implements WatchService {
    final Map<String, WatchView> watches = new ConcurrentHashMap<>();
    final List<String> alertRequests = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<WatchView> add(String owner, NewWatch w) {
      if (w.ticker().equals("ZZZZ")) {
        return CompletableFuture.failedFuture(new Refused("unknown-ticker", 404, "no bar has been received for ZZZZ"));
      }
      String id = Watch.newId(w.ticker());
      WatchView view =
          new WatchView(
              id, owner, w.ticker(), w.condition(), w.cooldown(), w.delivery(), NOW, false, 0, null,
              w.delivery().webhook() == null ? null : new WatchView.WebhookStatus(0, 0, 0, null, null));
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

    /** One alert of the caller, then the stream stays open. */
    @Override
    public Source<StreamEvent, NotUsed> alerts(String owner, Optional<String> lastEventId) {
      alertRequests.add(owner + " " + lastEventId.orElse("-"));
      AlertUpdate alert =
          new AlertUpdate(
              "AAPL", 42, "9d5ed678-fe57-4cca-b3f0-2f3b8f1c2a1e", "AAPL~00000000000000000000000000000001", owner,
              new WatchCondition.PriceCross(Direction.ABOVE, 200), 201.5, Instant.parse("2026-03-02T09:59:00Z"), NOW);
      return Source.<StreamEvent>single(new StreamEvent.Positioned("e1-7", alert))
          .concat(Source.<StreamEvent>maybe().mapMaterializedValue(p -> NotUsed.getInstance()));
    }
  }

  private static final InMemoryWatches service = new InMemoryWatches();

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    Security security = TestSecurity.of(KEYS, audit);
    WatchRoutes routes = new WatchRoutes(service, security, Duration.ofMillis(200));
    AllDirectives d = new AllDirectives() {};
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(d.pathPrefix("api", () -> d.pathPrefix("v1", routes::routes)))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void unbind() {
    binding.unbind();
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void clear() {
    service.watches.clear();
    audit.clear();
  }

  private static HttpRequest.Builder request(String path, ApiKeys.NewKey key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    return key == null ? b : b.header("Authorization", "Bearer " + key.secret());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(ApiKeys.NewKey key, String body) throws Exception {
    return send(
        request("/api/v1/watches", key).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> get(String path, ApiKeys.NewKey key) throws Exception {
    return send(request(path, key));
  }

  private static HttpResponse<String> delete(String path, ApiKeys.NewKey key) throws Exception {
    return send(request(path, key).DELETE());
  }

  private static final String PRICE_WATCH =
      "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"price-cross\",\"direction\":\"above\",\"level\":200},"
          + "\"cooldown\":\"PT15M\",\"delivery\":{\"sse\":true,\"webhook\":\"https://hooks.example.com/a?x=1\"}}";

  private static String idOf(HttpResponse<String> created) throws Exception {
    return io.tickcast.protocols.Json.MAPPER.readTree(created.body()).get("id").asText();
  }

  private static void assertProblem(HttpResponse<String> response, int status, String type) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body()).contains("\"type\":\"https://tickcast.io/problems/" + type + "\"");
  }

  @Test
  void createsListsShowsAndDeletesAWatchAuditingTheMutations() throws Exception {
    HttpResponse<String> created = post(TINA, PRICE_WATCH);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = idOf(created);
    assertThat(id).startsWith("AAPL~");
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/watches/" + id);
    assertThat(created.body())
        .contains("\"owner\":\"tina\"")
        .contains("\"condition\":{\"type\":\"price-cross\",\"direction\":\"above\",\"level\":200.0}")
        .contains("\"cooldown\":\"PT15M\"")
        .contains("\"webhook\":\"https://hooks.example.com/a?x=1\"")
        .contains("\"conditionHolds\":false");
    assertThat(service.watches.get(id).condition()).isEqualTo(new WatchCondition.PriceCross(Direction.ABOVE, 200));

    HttpResponse<String> list = get("/api/v1/watches", TINA);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).startsWith("{\"watches\":[{\"id\":\"" + id + "\"");
    assertThat(get("/api/v1/watches", OTTO).body()).isEqualTo("{\"watches\":[]}");

    HttpResponse<String> one = get("/api/v1/watches/" + id, TINA);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body()).isEqualTo(created.body());

    HttpResponse<String> deleted = delete("/api/v1/watches/" + id, TINA);
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertProblem(get("/api/v1/watches/" + id, TINA), 404, "unknown-watch");

    assertThat(audit).extracting(AuditEntry::detail, AuditEntry::status, AuditEntry::owner)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("create watch", 201, "tina"),
            org.assertj.core.groups.Tuple.tuple("delete watch", 204, "tina"));
  }

  @Test
  void defaultsToSseWithoutCooldown() throws Exception {
    HttpResponse<String> created =
        post(TINA, "{\"ticker\":\"BRK.B\",\"condition\":{\"type\":\"indicator-cross\",\"indicator\":\"rsi_14\",\"direction\":\"below\",\"level\":30}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    WatchView view = service.watches.get(idOf(created));
    assertThat(view.cooldown()).isEqualTo(Duration.ZERO);
    assertThat(view.delivery()).isEqualTo(new Watch.Delivery(true, null));
    assertThat(view.condition()).isEqualTo(new WatchCondition.IndicatorCross("rsi_14", Direction.BELOW, 30));
    assertThat(created.body()).contains("\"webhook\":null");
  }

  @Test
  void watchesNeedATraderKey() throws Exception {
    assertProblem(get("/api/v1/watches", null), 401, "unauthorized");
    assertProblem(get("/api/v1/watches", VERA), 403, "forbidden");
    assertProblem(post(VERA, PRICE_WATCH), 403, "forbidden");
    assertProblem(delete("/api/v1/watches/AAPL~00000000000000000000000000000001", VERA), 403, "forbidden");
    assertProblem(get("/api/v1/alerts/stream", VERA), 403, "forbidden");
    assertThat(service.watches).isEmpty();
  }

  @Test
  void someoneElsesWatchIsForbiddenEvenToAnAdmin() throws Exception {
    String id = idOf(post(TINA, PRICE_WATCH));
    assertProblem(get("/api/v1/watches/" + id, OTTO), 403, "forbidden");
    HttpResponse<String> delete = delete("/api/v1/watches/" + id, OTTO);
    assertProblem(delete, 403, "forbidden");
    assertThat(delete.body()).doesNotContain("tina");
    assertThat(service.watches).containsKey(id);
  }

  @Test
  void anUnknownWatchOrTickerIsNotFound() throws Exception {
    assertProblem(get("/api/v1/watches/AAPL~00000000000000000000000000000001", TINA), 404, "unknown-watch");
    assertProblem(delete("/api/v1/watches/AAPL~00000000000000000000000000000001", TINA), 404, "unknown-watch");
    assertProblem(get("/api/v1/watches/not-a-watch-id", TINA), 404, "unknown-watch");
    HttpResponse<String> unknownTicker = post(TINA, PRICE_WATCH.replace("AAPL", "ZZZZ"));
    assertProblem(unknownTicker, 404, "unknown-ticker");
    assertThat(unknownTicker.body()).contains("ZZZZ");
  }

  @Test
  void malformedInputIsA400NamingTheField() throws Exception {
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry("{\"ticker\":", "the body is not JSON"),
            Map.entry("[1]", "the body must be a JSON object"),
            Map.entry("{\"condition\":{\"type\":\"price-cross\",\"direction\":\"above\",\"level\":1}}", "'ticker'"),
            Map.entry("{\"ticker\":\"aapl!\",\"condition\":{}}", "'ticker' = 'aapl!'"),
            Map.entry("{\"ticker\":\"AAPL\"}", "'condition'"),
            Map.entry("{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"volume\"}}", "'condition.type' = 'volume'"),
            Map.entry("{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"price-cross\",\"direction\":\"up\",\"level\":1}}", "'condition.direction'"),
            Map.entry("{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"price-cross\",\"direction\":\"above\",\"level\":\"1\"}}", "'condition.level'"),
            Map.entry("{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"price-cross\",\"direction\":\"above\"}}", "'condition.level'"),
            Map.entry("{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"price-cross\",\"direction\":\"above\",\"level\":0}}", "'condition.level' is a price"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"direction-probability\",\"direction\":\"above\",\"level\":1.5}}",
                "'condition.level' is a probability"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"indicator-cross\",\"direction\":\"above\",\"level\":1}}",
                "'condition.indicator'"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"indicator-cross\",\"indicator\":\"rsi_99\",\"direction\":\"above\",\"level\":1}}",
                "'condition.indicator' = 'rsi_99'"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"predicted-return\",\"direction\":\"above\",\"treshold\":0.01}}",
                "'condition.treshold'"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"predicted-return\",\"direction\":\"above\",\"level\":0.01},\"owner\":\"otto\"}",
                "'owner'"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"predicted-return\",\"direction\":\"above\",\"level\":0.01},\"cooldown\":\"15 minutes\"}",
                "'cooldown'"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"predicted-return\",\"direction\":\"above\",\"level\":0.01},\"cooldown\":\"-PT1M\"}",
                "'cooldown'"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"predicted-return\",\"direction\":\"above\",\"level\":0.01},\"delivery\":{\"webhook\":\"ftp://example.com/x\"}}",
                "'delivery.webhook'"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"predicted-return\",\"direction\":\"above\",\"level\":0.01},\"delivery\":{\"webhook\":\"hooks.example.com\"}}",
                "'delivery.webhook'"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"predicted-return\",\"direction\":\"above\",\"level\":0.01},\"delivery\":{\"sse\":\"yes\"}}",
                "'delivery.sse'"),
            Map.entry(
                "{\"ticker\":\"AAPL\",\"condition\":{\"type\":\"predicted-return\",\"direction\":\"above\",\"level\":0.01},\"delivery\":{\"sse\":false}}",
                "'delivery' must enable sse or name a webhook"));
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> response = post(TINA, c.getKey());
      assertProblem(response, 400, "invalid-watch");
      assertThat(response.body()).as(c.getKey()).contains(c.getValue());
    }
    assertThat(service.watches).isEmpty();
  }

  @Test
  void streamsTheCallersAlertsResumingAfterTheLastEventId() throws Exception {
    HttpResponse<java.util.stream.Stream<String>> response =
        client.send(
            request("/api/v1/alerts/stream", TINA).header("Accept", "text/event-stream").header("Last-Event-ID", "e1-3").build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    List<String> lines = response.body().limit(6).toList();
    assertThat(service.alertRequests).contains("tina e1-3");
    assertThat(lines.get(0)).startsWith("data:{\"ticker\":\"AAPL\"").contains("\"alertId\":\"9d5ed678-fe57-4cca-b3f0-2f3b8f1c2a1e\"")
        .contains("\"owner\":\"tina\"");
    assertThat(lines.subList(1, 4)).containsExactly("event:alert", "id:e1-7", "");
    assertThat(lines.subList(4, 6)).containsExactly("data:", ""); // heartbeat
  }
}
