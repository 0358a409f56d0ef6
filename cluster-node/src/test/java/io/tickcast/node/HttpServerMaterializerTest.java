package io.tickcast.node;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.io.Tcp;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's connection streams and Pekko IO's TCP actors run on the HTTP dispatcher, with the
 * node's own configuration; the node's other streams do not.
 */
class HttpServerMaterializerTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(NodeConfig.load(Map.of("pekko.actor.provider", "local")));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void apiRequestsAreHandledOnTheHttpDispatcher() throws Exception {
    ServerBinding binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .withMaterializer(HttpServerMaterializer.create(testKit.system()))
            // The route runs inside the connection's stream: it answers with the thread it ran on.
            .bind(extractRequest(request -> complete(Thread.currentThread().getName())))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try {
      HttpResponse<String> response =
          TestNode.HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).contains(HttpServerMaterializer.DISPATCHER);
    } finally {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void tcpConnectionActorsShareTheHttpDispatcher() {
    assertThat(Tcp.get(Adapter.toClassic(testKit.system())).Settings().WorkerDispatcher())
        .isEqualTo(HttpServerMaterializer.DISPATCHER);
  }

  @Test
  void otherStreamsKeepTheDefaultDispatcher() throws Exception {
    String thread =
        Source.single(1)
            .map(ignored -> Thread.currentThread().getName())
            .runWith(Sink.head(), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(thread).doesNotContain(HttpServerMaterializer.DISPATCHER);
  }
}
