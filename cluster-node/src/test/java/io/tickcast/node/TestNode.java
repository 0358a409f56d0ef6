package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/** A real Tickcast node in the test JVM, on ephemeral ports, against {@link RealInfra}. */
final class TestNode implements AutoCloseable {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final ActorSystem<Void> system;
  final String baseUrl;
  final int managementPort;

  private TestNode(ActorSystem<Void> system, int httpPort, int managementPort) {
    this.system = system;
    this.baseUrl = "http://127.0.0.1:" + httpPort;
    this.managementPort = managementPort;
  }

  /** Starts a node and returns once its HTTP API accepts requests. */
  static TestNode start(String keyspace, String topic, boolean ingest, Map<String, Object> extra) throws Exception {
    int managementPort = freePort();
    Map<String, Object> overrides = infraSettings(keyspace, topic);
    overrides.put("tickcast.ingest.enabled", ingest);
    overrides.put("tickcast.http.port", 0);
    overrides.put("tickcast.http.sse-heartbeat", "1s");
    overrides.put("tickcast.http.warm-up.requests", 0);
    overrides.put("pekko.management.http.port", managementPort);
    overrides.putAll(extra);
    ActorSystem<Void> system = Node.start(NodeConfig.load(overrides));
    int httpPort = NodeStatus.get(system).httpPort.get(60, TimeUnit.SECONDS);
    return new TestNode(system, httpPort, managementPort);
  }

  /**
   * A test node's place in {@link RealInfra}: its keyspace, its topic and a consumer group of its
   * own, metrics off, any free remoting port; in the test JVM or in one of its own.
   */
  static Map<String, Object> infraSettings(String keyspace, String topic) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("tickcast.cassandra.contact-point", RealInfra.infra().cassandraContactPoint());
    settings.put("tickcast.cassandra.keyspace", keyspace);
    settings.put("tickcast.kafka.bootstrap-servers", RealInfra.infra().kafkaBootstrapServers());
    settings.put("tickcast.ingest.topic", topic);
    settings.put("tickcast.ingest.group-id", "it-" + topic);
    settings.put("tickcast.metrics.enabled", false);
    settings.put("pekko.remote.artery.canonical.port", 0);
    return settings;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        RealInfra.request(baseUrl + path).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> managementGet(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The view of a ticker from a node's HTTP API, or null while the ticker is unknown (404). */
  static io.tickcast.protocols.TickerView readView(String baseUrl, String ticker) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            RealInfra.request(baseUrl + "/api/v1/tickers/" + ticker).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 404) {
      return null;
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return io.tickcast.protocols.Json.MAPPER.readValue(response.body(), io.tickcast.protocols.TickerView.class);
  }

  interface Check {
    boolean holds() throws Exception;
  }

  /**
   * Polls {@code check} until it holds, for conditions on things outside any actor system (a
   * node in another JVM); within a node's system prefer {@code TestProbe.awaitAssert}.
   */
  static void awaitCondition(Duration max, Check check) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.holds()) {
          return;
        }
      } catch (IOException e) {
        last = e; // not listening yet
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
    }
    throw new AssertionError("condition did not hold within " + max, last);
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    assertThat(system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS)).isNotNull();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
