package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tickcast.actors.TickerEntity;
import io.tickcast.actors.TickerEntity.DeliverWebhook;
import io.tickcast.actors.TickerEntity.RecordWebhookOutcome;
import io.tickcast.actors.TickerEntity.WebhookDelivered;
import io.tickcast.actors.TickerEntity.WebhookFailed;
import io.tickcast.protocols.AlertUpdate;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.WatchCondition;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deliverer against a real local HTTP receiver, with a probe standing in for the entities. */
class WebhookDeliveryTest {

  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  private static final WebhookDelivery.Settings SETTINGS =
      new WebhookDelivery.Settings(Duration.ofMillis(50), Duration.ofMillis(200), 3, Duration.ofSeconds(5));
  private static ActorTestKit testKit;

  /** What the receiver got: the Idempotency-Key and the body of each request. */
  private record Received(String key, String contentType, String body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  /** The statuses the receiver answers, in order; 200 once they are used up. */
  private final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
  private HttpServer receiver;
  private String url;
  private TestProbe<TickerEntity.Command> entity;
  private ActorRef<DeliverWebhook> deliverer;

  @BeforeAll
  static void startKit() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          received.add(
              new Received(
                  exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          Integer status = statuses.poll();
          exchange.sendResponseHeaders(status == null ? 200 : status, -1);
          exchange.close();
        });
    receiver.start();
    url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    entity = testKit.createTestProbe();
    deliverer =
        testKit.spawn(WebhookDelivery.create(SETTINGS, ticker -> entity.ref(), Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
    testKit.stop(deliverer);
  }

  private static AlertUpdate alert() {
    return new AlertUpdate(
        "AAPL", 12, UUID.randomUUID().toString(), "AAPL~00000000000000000000000000000001", "ada",
        new WatchCondition.PriceCross(WatchCondition.Direction.ABOVE, 100), 101, NOW, NOW);
  }

  private TickerEntity.WebhookOutcome outcome() {
    return ((RecordWebhookOutcome) entity.receiveMessage(Duration.ofSeconds(10))).outcome();
  }

  @Test
  void retriesAFailedDeliveryAndReportsEachAttempt() throws Exception {
    statuses.add(500);
    AlertUpdate alert = alert();
    deliverer.tell(new DeliverWebhook(alert, url, 1));

    assertThat(outcome()).isEqualTo(new WebhookFailed(alert.watchId(), alert.alertId(), 1, "HTTP 500", false, NOW));
    assertThat(outcome()).isEqualTo(new WebhookDelivered(alert.watchId(), alert.alertId(), 2, NOW));
    assertThat(received).hasSize(2).allSatisfy(r -> {
      assertThat(r.key()).isEqualTo(alert.alertId());
      assertThat(r.contentType()).isEqualTo("application/json");
      assertThat(Json.MAPPER.readValue(r.body(), AlertUpdate.class)).isEqualTo(alert);
    });
  }

  @Test
  void givesUpAfterTheLastAttempt() {
    receiver.stop(0); // nobody listens any more
    AlertUpdate alert = alert();
    deliverer.tell(new DeliverWebhook(alert, url, 2)); // handed over again after a restart: 1 failed already

    WebhookFailed second = (WebhookFailed) outcome();
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.gaveUp()).isFalse();
    assertThat(second.reason()).isNotBlank();
    WebhookFailed third = (WebhookFailed) outcome();
    assertThat(third.attempt()).isEqualTo(3);
    assertThat(third.gaveUp()).isTrue();
    entity.expectNoMessage(Duration.ofMillis(500));
  }

  @Test
  void anAlertAlreadyInFlightIsNotStartedTwice() {
    statuses.add(500);
    AlertUpdate alert = alert();
    deliverer.tell(new DeliverWebhook(alert, url, 1));
    deliverer.tell(new DeliverWebhook(alert, url, 1));

    assertThat(outcome()).isInstanceOf(WebhookFailed.class);
    assertThat(outcome()).isInstanceOf(WebhookDelivered.class);
    entity.expectNoMessage(Duration.ofMillis(300));
    assertThat(received).hasSize(2);
  }
}
