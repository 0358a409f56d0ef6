package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tickcast.http.security.ApiKeys;
import io.tickcast.http.security.Role;
import io.tickcast.protocols.AlertUpdate;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.MarketEventCodec;
import io.tickcast.protocols.TickerView;
import io.tickcast.protocols.WatchView;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Watches end to end against a real node, Cassandra and Kafka: bars replayed through Kafka cross a
 * watch's level; each crossing fires one alert, pushed on the owner's alert stream and POSTed to
 * a local webhook receiver that refuses the first request, so delivery goes through a retry.
 */
@ExtendWith(RealInfra.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchAlertIT {

  private static final String KEYSPACE = "it_watches";
  private static final String TOPIC = "ticks-watches";
  private static final String TICKER = "WTCH";
  private static final Instant DAY0 = Instant.parse("2024-01-02T00:00:00Z");
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final Map<String, Object> FAST_RETRIES =
      Map.of("tickcast.watches.webhook.min-backoff", "200ms", "tickcast.watches.webhook.max-backoff", "1s");
  /** Another trader: the watches of the tests' admin key are not theirs. */
  private static final ApiKeys.NewKey MALLORY = ApiKeys.generate();

  /** One request the receiver got: its idempotency key and the status it answered. */
  private record Delivery(String key, AlertUpdate alert, int status) {}

  private static final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private static final AtomicBoolean refusedOnce = new AtomicBoolean();
  private static HttpServer receiver;
  private static String hook;
  private static TestNode node;
  private static KafkaProducer<String, byte[]> producer;
  private static int day;
  private static String watchId;

  @BeforeAll
  static void start() throws Exception {
    RealInfra.createKeyspace(KEYSPACE);
    try (CqlSession session = CassandraSessions.open(RealInfra.infra().cassandraContactPoint(), "datacenter1", false)) {
      new CassandraApiKeyStore(session, KEYSPACE).register(MALLORY, Role.TRADER, "mallory");
    }
    KafkaTopics.ensure(RealInfra.infra().kafkaBootstrapServers(), 2, TOPIC, TOPIC + ".quarantine");
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          AlertUpdate alert = Json.MAPPER.readValue(exchange.getRequestBody().readAllBytes(), AlertUpdate.class);
          int status = refusedOnce.compareAndSet(false, true) ? 500 : 204;
          deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("Idempotency-Key"), alert, status));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    receiver.start();
    hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfra.infra().kafkaBootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
    node = TestNode.start(KEYSPACE, TOPIC, true, FAST_RETRIES);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    if (producer != null) {
      producer.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  @Order(1)
  void aWatchFiresOncePerCrossingAndReachesItsWebhookThroughARetry() throws Exception {
    close(100);
    assertThat(post("{\"ticker\":\"ZZZZ\",\"condition\":{\"type\":\"price-cross\",\"direction\":\"above\",\"level\":110}}").statusCode())
        .isEqualTo(404);

    try (SseClient alerts = new SseClient(node.baseUrl + "/api/v1/alerts/stream")) {
      assertThat(alerts.status.get()).isEqualTo(200);
      HttpResponse<String> created =
          post(
              "{\"ticker\":\"" + TICKER + "\",\"condition\":{\"type\":\"price-cross\",\"direction\":\"above\",\"level\":110},"
                  + "\"delivery\":{\"sse\":true,\"webhook\":\"" + hook + "\"}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      WatchView watch = Json.MAPPER.readValue(created.body(), WatchView.class);
      watchId = watch.id();
      assertThat(watch.conditionHolds()).isFalse();

      // Two crossings above 110 (112 and 111); 115 and 113 hold without crossing.
      for (double price : new double[] {105, 112, 115, 108, 111, 113}) {
        close(price);
      }

      WatchView delivered = awaitWatch(w -> w.webhook().delivered() == 2);
      assertThat(delivered.alerts()).isEqualTo(2);
      assertThat(delivered.conditionHolds()).isTrue();
      assertThat(delivered.webhook().pending()).isZero();
      assertThat(delivered.webhook().failed()).isZero();
      assertThat(delivered.webhook().lastFailure().attempt()).isEqualTo(1);
      assertThat(delivered.webhook().lastFailure().reason()).isEqualTo("HTTP 500");

      // The first alert was refused once and then accepted (the second may overtake its retry);
      // the second went through at once. Each request carries its alert's id as idempotency key.
      assertThat(deliveries).hasSize(3).allSatisfy(d -> {
        assertThat(d.key()).isEqualTo(d.alert().alertId());
        assertThat(d.alert().watchId()).isEqualTo(watchId);
      });
      Delivery refused = deliveries.get(0);
      assertThat(refused.status()).isEqualTo(500);
      assertThat(refused.alert().value()).isEqualTo(112.0);
      assertThat(deliveries.subList(1, 3))
          .extracting(d -> d.alert().value(), Delivery::status)
          .containsExactlyInAnyOrder(tuple(112.0, 204), tuple(111.0, 204));
      assertThat(deliveries.stream().filter(d -> d.key().equals(refused.key()))).hasSize(2);

      // The same two alerts on the owner's stream, and nothing more anywhere afterwards.
      TestNode.awaitCondition(PATIENCE, () -> alertEvents(alerts).size() == 2);
      assertThat(alertEvents(alerts)).extracting(AlertUpdate::value).containsExactly(112.0, 111.0);
      // A later bar that holds without crossing: once the entity has applied it, whatever the
      // bars before it fired has been decided, and no delivery is pending to be retried.
      close(114);
      assertThat(watch(watchId).alerts()).isEqualTo(2);
      assertThat(watch(watchId).webhook().pending()).isZero();
      assertThat(alertEvents(alerts)).hasSize(2);
      assertThat(deliveries).hasSize(3);
    }

    JsonNode listing = Json.MAPPER.readTree(node.get("/api/v1/watches").body());
    assertThat(listing.get("watches")).hasSize(1);
    assertThat(listing.get("watches").get(0).get("id").asText()).isEqualTo(watchId);
    assertThat(send(as(MALLORY, "/api/v1/watches/" + watchId).GET()).statusCode()).isEqualTo(403);
    assertThat(send(as(MALLORY, "/api/v1/watches/" + watchId).DELETE()).statusCode()).isEqualTo(403);
    assertThat(Json.MAPPER.readTree(send(as(MALLORY, "/api/v1/watches").GET()).body()).get("watches")).isEmpty();
  }

  @Test
  @Order(2)
  void aWatchSurvivesARestartAndGoesOnFromWhereItWas() throws Exception {
    WatchView before = watch(watchId);
    node.close();
    node = TestNode.start(KEYSPACE, TOPIC, true, FAST_RETRIES);
    assertThat(watch(watchId)).isEqualTo(before);

    close(114); // still above: no alert
    close(100); // re-arms
    close(120); // crosses: the third alert
    WatchView after = awaitWatch(w -> w.webhook().delivered() == 3);
    assertThat(after.alerts()).isEqualTo(3);
    assertThat(deliveries).hasSize(4);
    assertThat(deliveries.get(3).alert().value()).isEqualTo(120.0);

    assertThat(send(RealInfra.request(node.baseUrl + "/api/v1/watches/" + watchId).DELETE()).statusCode()).isEqualTo(204);
    assertThat(node.get("/api/v1/watches/" + watchId).statusCode()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(node.get("/api/v1/watches").body()).get("watches")).isEmpty();
  }

  /** Produces the next daily bar of the ticker, closing at {@code price}, and waits until it is applied. */
  private static void close(double price) throws Exception {
    Bar bar =
        new Bar(TICKER, DAY0.plus(Duration.ofDays(day++)), Duration.ofDays(1), price, price + 1, price - 1, price, price, 1000);
    producer.send(new ProducerRecord<>(TOPIC, TICKER, MarketEventCodec.encode(bar))).get();
    TestNode.awaitCondition(PATIENCE, () -> {
      TickerView view = TestNode.readView(node.baseUrl, TICKER);
      return view != null && view.bar().equals(bar);
    });
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return send(
        RealInfra.request(node.baseUrl + "/api/v1/watches")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpRequest.Builder as(ApiKeys.NewKey key, String path) {
    return HttpRequest.newBuilder(URI.create(node.baseUrl + path)).header("Authorization", "Bearer " + key.secret());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return TestNode.HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static WatchView watch(String id) throws Exception {
    HttpResponse<String> response = node.get("/api/v1/watches/" + id);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.MAPPER.readValue(response.body(), WatchView.class);
  }

  private interface WatchCheck {
    boolean holds(WatchView watch);
  }

  private static WatchView awaitWatch(WatchCheck check) throws Exception {
    TestNode.awaitCondition(PATIENCE, () -> check.holds(watch(watchId)));
    return watch(watchId);
  }

  private static List<AlertUpdate> alertEvents(SseClient sse) {
    return sse.events.stream()
        .filter(e -> "alert".equals(e.type()))
        .map(
            e -> {
              try {
                return Json.MAPPER.readValue(e.data().getBytes(StandardCharsets.UTF_8), AlertUpdate.class);
              } catch (java.io.IOException x) {
                throw new AssertionError("unreadable alert " + e, x);
              }
            })
        .toList();
  }
}
