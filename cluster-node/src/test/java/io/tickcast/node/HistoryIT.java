package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.http.ClusterOverview;
import io.tickcast.http.HistoryPage;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.Role;
import io.tickcast.ingest.DailyBarReplay;
import io.tickcast.ingest.KafkaReplay;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.MarketEventCodec;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.TickerView;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The query side against a real Cassandra and Kafka: real daily bars replayed through a node, the
 * history projection's read table served page by page, the projection resuming where it stopped
 * after a restart, and the cluster endpoint and the API's access control (401, 403, 429) on the
 * running node.
 */
@ExtendWith(RealInfra.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryIT {

  private static final String KEYSPACE = "it_history";
  private static final String TOPIC = "ticks-history";
  private static final int PARTITIONS = 4;
  private static final List<String> TICKERS = List.of("AAPL", "MSFT");
  private static final LocalDate FROM = LocalDate.of(2019, 6, 3);
  private static final LocalDate TO = LocalDate.of(2020, 6, 30);
  private static final int LATER_BARS = 5;
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  /**
   * Trader keys get 3 requests and then one every 1000 s: the fourth is refused, whatever the pace.
   * The projection sweeps only when it starts: new tickers and new events reach the history
   * through the entities' announcements alone, and after a restart through that first sweep.
   */
  private static final Map<String, Object> NODE_SETTINGS =
      Map.of(
          "tickcast.security.rate-limits.trader.per-second", 0.001,
          "tickcast.security.rate-limits.trader.burst", 3,
          "tickcast.history.sweep-interval", "1h");
  /** Entries leave out what they do not have (vwap of whole bars, predictions). */
  private static final ObjectReader ENTRY =
      Json.MAPPER.readerFor(HistoryPage.Entry.class).without(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  private static TestNode node;
  private static CqlSession session;
  private static final Map<String, List<Bar>> replayed = new LinkedHashMap<>();
  private static final Map<String, List<Bar>> later = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    RealInfra.createKeyspace(KEYSPACE);
    KafkaTopics.ensure(RealInfra.infra().kafkaBootstrapServers(), PARTITIONS, TOPIC, TOPIC + ".quarantine");
    session = CassandraSessions.open(RealInfra.infra().cassandraContactPoint(), "datacenter1", false);
    Instant from = FROM.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = TO.atStartOfDay(ZoneOffset.UTC).toInstant();
    for (String ticker : TICKERS) {
      List<Bar> all = DailyBarCsv.readStrict(dataFile(ticker));
      replayed.put(ticker, all.stream().filter(b -> !b.start().isBefore(from) && !b.start().isAfter(to)).toList());
      later.put(ticker, all.stream().filter(b -> b.start().isAfter(to)).limit(LATER_BARS).toList());
    }
    node = TestNode.start(KEYSPACE, TOPIC, true, NODE_SETTINGS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    if (session != null) {
      session.close();
    }
  }

  private static Path dataFile(String ticker) {
    return Path.of(System.getProperty("tickcast.home", "..")).resolve("data/sp500-daily/" + ticker + ".csv.gz");
  }

  @Test
  @Order(1)
  void historyPagesCoverExactlyTheReplayedBarsNewestFirstWithTheirPredictions() throws Exception {
    KafkaReplay.run(
            node.system,
            new DailyBarReplay(TICKERS.stream().map(HistoryIT::dataFile).toList(), Set.copyOf(TICKERS), FROM, TO, TO.plusDays(1), Duration.ZERO),
            RealInfra.infra().kafkaBootstrapServers(),
            TOPIC)
        .toCompletableFuture()
        .get();

    for (String ticker : TICKERS) {
      List<Bar> bars = replayed.get(ticker);
      Prediction served = awaitPrediction(ticker, bars.get(bars.size() - 1));
      List<HistoryPage.Entry> history = awaitHistory(ticker, bars.size(), served);

      assertThat(history).extracting(HistoryPage.Entry::bar).containsExactlyElementsOf(reversed(bars));
      assertThat(history.get(0).prediction()).isEqualTo(served);
      assertThat(history).filteredOn(e -> e.prediction() != null).isNotEmpty()
          .allSatisfy(e -> assertThat(e.prediction().asOf()).isEqualTo(e.bar().start()));
      assertResolutions(history);
    }

    // Paging by date: the window's bars and no others, newest first; a token only while more.
    String june = "/api/v1/tickers/AAPL/history?from=2020-06-01&to=2020-06-30&limit=15";
    JsonNode first = json(node.get(june));
    JsonNode second = json(node.get(june + "&pageToken=" + first.get("nextPageToken").asText()));
    assertThat(second.has("nextPageToken")).isFalse();
    List<Bar> pages = new ArrayList<>(bars(first));
    pages.addAll(bars(second));
    assertThat(pages)
        .containsExactlyElementsOf(
            reversed(replayed.get("AAPL")).stream().filter(b -> b.start().toString().startsWith("2020-06")).toList());
    assertThat(node.get("/api/v1/tickers/ZZZZ/history").statusCode()).isEqualTo(404);
    assertThat(node.get("/api/v1/tickers/AAPL/history?limit=0").statusCode()).isEqualTo(400);
  }

  @Test
  @Order(2)
  void theProjectionResumesWhereItStoppedAfterARestart() throws Exception {
    long savedBefore = savedPosition("MSFT");
    node.close();
    // While no node runs, an old row goes missing: a projection replaying from the start would
    // bring it back, one resuming from its saved position does not.
    Bar removed = replayed.get("MSFT").get(10);
    session.execute(
        SimpleStatement.newInstance(
            "DELETE FROM " + KEYSPACE + ".ticker_history WHERE ticker = 'MSFT' AND month = ? AND bar_start = ?",
            TickerHistoryStore.month(removed.start()),
            removed.start()));
    node = TestNode.start(KEYSPACE, TOPIC, true, NODE_SETTINGS);

    // New bars one at a time, each once the previous one's prediction is settled, so that each
    // prediction is resolved by the next bar.
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < LATER_BARS; i++) {
        for (String ticker : TICKERS) {
          producer.send(new ProducerRecord<>(TOPIC, ticker, MarketEventCodec.encode(later.get(ticker).get(i)))).get();
        }
        for (String ticker : TICKERS) {
          awaitSettled(ticker, later.get(ticker).get(i));
        }
      }
    }

    for (String ticker : TICKERS) {
      List<Bar> expected = new ArrayList<>(replayed.get(ticker));
      expected.addAll(later.get(ticker));
      if (ticker.equals("MSFT")) {
        expected.remove(removed);
      }
      Prediction served = awaitPrediction(ticker, expected.get(expected.size() - 1));
      List<HistoryPage.Entry> history = awaitHistory(ticker, expected.size(), served);
      assertThat(history).extracting(HistoryPage.Entry::bar).containsExactlyElementsOf(reversed(expected));
      // The new bars' predictions, each resolved by the bar after it.
      List<HistoryPage.Entry> newest = reversed(history.subList(0, LATER_BARS));
      assertThat(newest.subList(0, LATER_BARS - 1))
          .filteredOn(e -> e.prediction() != null)
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.resolution()).isNotNull());
      assertThat(newest.get(LATER_BARS - 1).resolution()).isNull();
      assertResolutions(history);
    }
    // Every event is accounted for once: the saved position is the entity's sequence number.
    TickerView msft = TestNode.readView(node.baseUrl, "MSFT");
    TestNode.awaitCondition(PATIENCE, () -> savedPosition("MSFT") == msft.sequenceNr());
    assertThat(savedPosition("MSFT")).isGreaterThan(savedBefore);
  }

  @Test
  @Order(3)
  void theClusterEndpointShowsTheNodeItsShardsAndEntities() throws Exception {
    HttpResponse<String> response = node.get("/api/v1/cluster");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    ClusterOverview cluster = Json.MAPPER.readValue(response.body(), ClusterOverview.class);
    assertThat(cluster.leader()).isEqualTo(cluster.self());
    assertThat(cluster.members())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.address()).isEqualTo(cluster.self());
              assertThat(m.status()).isEqualTo("up");
              assertThat(m.reachable()).isTrue();
              assertThat(m.upSince()).isNotNull();
            });
    assertThat(cluster.nodes())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.address()).isEqualTo(cluster.self());
              assertThat(n.entities()).isGreaterThanOrEqualTo(TICKERS.size());
              for (String ticker : TICKERS) {
                assertThat(n.entitiesPerShard()).containsKey(Integer.toString(KafkaShardAlignment.partitionOf(ticker, PARTITIONS)));
              }
            });
  }

  @Test
  @Order(4)
  void onlyAnAdminKeyChangesMembership() throws Exception {
    ApiKeys.NewKey viewer = ApiKeys.generate();
    new CassandraApiKeyStore(session, KEYSPACE).register(viewer, Role.VIEWER, "history-it");
    String self = Json.MAPPER.readValue(node.get("/api/v1/cluster").body(), ClusterOverview.class).self();
    String leave = node.baseUrl + "/api/v1/cluster/members/" + URLEncoder.encode(self, StandardCharsets.UTF_8) + "/leave";

    HttpResponse<String> refused =
        TestNode.HTTP.send(
            HttpRequest.newBuilder(java.net.URI.create(leave))
                .header("Authorization", "Bearer " + viewer.secret())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(refused.body()).contains("https://tickcast.io/problems/forbidden");
    // The viewer's key is good for reading the cluster, and the node is still up.
    HttpResponse<String> read =
        TestNode.HTTP.send(
            HttpRequest.newBuilder(java.net.URI.create(node.baseUrl + "/api/v1/cluster"))
                .header("Authorization", "Bearer " + viewer.secret())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readValue(read.body(), ClusterOverview.class).members().get(0).status()).isEqualTo("up");
  }

  @Test
  @Order(5)
  void keysAreCheckedForRoleAndRateOnTheRunningNode() throws Exception {
    CassandraApiKeyStore keys = new CassandraApiKeyStore(session, KEYSPACE);
    ApiKeys.NewKey viewer = ApiKeys.generate();
    keys.register(viewer, Role.VIEWER, "history-it-viewer");
    ApiKeys.NewKey trader = ApiKeys.generate();
    keys.register(trader, Role.TRADER, "history-it-trader");
    String watch = "{\"ticker\":\"MSFT\",\"condition\":{\"type\":\"price-cross\",\"direction\":\"above\",\"level\":1000}}";

    // No key, or one the node never issued: 401 on reads and mutations alike.
    assertProblem(call("GET", "/api/v1/tickers/MSFT", null, null), 401, "unauthorized");
    assertProblem(call("POST", "/api/v1/watches", null, watch), 401, "unauthorized");
    assertProblem(call("GET", "/api/v1/stream", ApiKeys.generate().secret(), null), 401, "unauthorized");

    // A viewer reads but may not create or delete watches.
    assertThat(call("GET", "/api/v1/tickers/MSFT", viewer.secret(), null).statusCode()).isEqualTo(200);
    assertProblem(call("POST", "/api/v1/watches", viewer.secret(), watch), 403, "forbidden");
    assertProblem(call("DELETE", "/api/v1/watches/w-0000", viewer.secret(), null), 403, "forbidden");

    // A trader may, within its rate limit; then 429 with Retry-After, and other keys are unaffected.
    HttpResponse<String> created = call("POST", "/api/v1/watches", trader.secret(), watch);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = Json.MAPPER.readTree(created.body()).get("id").asText();
    assertThat(call("GET", "/api/v1/watches/" + id, trader.secret(), null).statusCode()).isEqualTo(200);
    assertThat(call("DELETE", "/api/v1/watches/" + id, trader.secret(), null).statusCode()).isEqualTo(204);
    HttpResponse<String> limited = call("GET", "/api/v1/watches", trader.secret(), null);
    assertProblem(limited, 429, "rate-limited");
    assertThat(limited.headers().firstValueAsLong("Retry-After").orElse(0)).isBetween(1L, 1000L);
    assertThat(call("GET", "/api/v1/tickers/MSFT", viewer.secret(), null).statusCode()).isEqualTo(200);
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static HttpResponse<String> call(String method, String path, String key, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(java.net.URI.create(node.baseUrl + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return TestNode.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(Json.MAPPER.readTree(response.body()).get("type").asText()).isEqualTo("https://tickcast.io/problems/" + type);
  }

  /** Each resolution is the realised return of its own prediction, horizon bars later. */
  private static void assertResolutions(List<HistoryPage.Entry> history) {
    List<HistoryPage.Entry> oldestFirst = reversed(history);
    assertThat(oldestFirst)
        .filteredOn(e -> e.resolution() != null)
        .allSatisfy(
            e -> {
              Prediction p = e.prediction();
              Bar resolvedBy = oldestFirst.get(oldestFirst.indexOf(e) + p.horizon()).bar();
              assertThat(e.resolution().resolvedBy()).isEqualTo(resolvedBy.start());
              assertThat(e.resolution().modelVersion()).isEqualTo(p.modelVersion());
              assertThat(e.resolution().realisedReturn()).isEqualTo(Math.log(resolvedBy.adjustedClose() / p.lastClose()));
            });
  }

  /** Once the ticker shows {@code bar} with its prediction, or why it has none. */
  private static void awaitSettled(String ticker, Bar bar) throws Exception {
    TestNode.awaitCondition(
        PATIENCE,
        () -> {
          TickerView view = TestNode.readView(node.baseUrl, ticker);
          return view != null
              && bar.equals(view.bar())
              && ((view.prediction() != null && view.prediction().asOf().equals(bar.start())) || view.predictionUnavailable() != null);
        });
  }

  /** Every page of the ticker's history, once it holds {@code count} bars and the served prediction. */
  private static List<HistoryPage.Entry> awaitHistory(String ticker, int count, Prediction served) throws Exception {
    List<List<HistoryPage.Entry>> found = new ArrayList<>();
    TestNode.awaitCondition(
        PATIENCE,
        () -> {
          List<HistoryPage.Entry> all = allPages(ticker);
          found.add(0, all);
          return all.size() == count && served.equals(all.get(0).prediction());
        });
    return found.get(0);
  }

  private static List<HistoryPage.Entry> allPages(String ticker) throws Exception {
    List<HistoryPage.Entry> entries = new ArrayList<>();
    String path = "/api/v1/tickers/" + ticker + "/history?limit=100";
    JsonNode page = json(node.get(path));
    while (true) {
      for (JsonNode entry : page.get("entries")) {
        entries.add(ENTRY.readValue(entry));
      }
      if (!page.has("nextPageToken")) {
        return entries;
      }
      page = json(node.get(path + "&pageToken=" + page.get("nextPageToken").asText()));
    }
  }

  private static Prediction awaitPrediction(String ticker, Bar bar) throws Exception {
    List<Prediction> found = new ArrayList<>();
    TestNode.awaitCondition(
        PATIENCE,
        () -> {
          HttpResponse<String> response = node.get("/api/v1/tickers/" + ticker + "/prediction");
          if (response.statusCode() != 200) {
            return false;
          }
          Prediction p = Json.MAPPER.readValue(response.body(), Prediction.class);
          found.add(0, p);
          return p.asOf().equals(bar.start());
        });
    return found.get(0);
  }

  private static long savedPosition(String ticker) {
    return session
        .execute("SELECT sequence_nr FROM " + KEYSPACE + ".ticker_history_progress WHERE ticker = '" + ticker + "'")
        .one()
        .getLong("sequence_nr");
  }

  private static List<Bar> bars(JsonNode page) throws Exception {
    List<Bar> bars = new ArrayList<>();
    for (JsonNode entry : page.get("entries")) {
      bars.add(ENTRY.<HistoryPage.Entry>readValue(entry).bar());
    }
    return bars;
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body());
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfra.infra().kafkaBootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }
}
