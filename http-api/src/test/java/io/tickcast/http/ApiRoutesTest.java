package io.tickcast.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.Bar;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.TickerView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

  private static final TickerView AAPL = view("AAPL", 3);
  private static final TickerView MSFT = view("MSFT", 7);

  private static TickerView view(String ticker, long seq) {
    Map<String, Double> indicators = new LinkedHashMap<>();
    indicators.put("sma_20", 101.5);
    indicators.put("rsi_14", null);
    Bar bar =
        new Bar(ticker, Instant.parse("2021-04-21T00:00:00Z"), Duration.ofDays(1), 100, 102, 99, 101, 101, 1000);
    return new TickerView(ticker, seq, bar, indicators, seq, Instant.parse("2026-01-01T00:00:00Z"));
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
        public Source<TickerView, NotUsed> updates() {
          return Source.from(List.of(AAPL, MSFT)).concat(Source.<TickerView>maybe().mapMaterializedValue(p -> NotUsed.getInstance()));
        }

        @Override
        public IngestCounts ingestCounts() {
          return new IngestCounts(5, 1, Map.of("malformed", 2L));
        }
      };

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    binding =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new ApiRoutes(SERVICE, Duration.ofMillis(200)).routes())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void unbind() {
    binding.unbind();
    testKit.shutdownTestKit();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
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
            HttpRequest.newBuilder(URI.create(base + "/api/v1/tickers")).POST(HttpRequest.BodyPublishers.noBody()).build(),
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
            HttpRequest.newBuilder(URI.create(base + "/api/v1/stream?tickers=MSFT")).build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    // Only MSFT passes the filter; then the idle stream carries heartbeats (every 200 ms here).
    List<String> lines = response.body().limit(6).toList();
    assertThat(lines.get(0)).startsWith("data:{\"ticker\":\"MSFT\"");
    assertThat(lines.subList(1, 3)).containsExactly("event:update", "id:MSFT:7");
    assertThat(lines.get(3)).isEmpty();
    assertThat(lines.subList(4, 6)).containsExactly("data:", "");
  }
}
