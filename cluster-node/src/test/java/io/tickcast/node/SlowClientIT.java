package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.ingest.DailyBarReplay;
import io.tickcast.ingest.KafkaReplay;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.TickerView;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stream client that stops reading slows neither the entities nor the other clients: while it
 * holds its connection without reading, the others receive every ticker's last bar.
 */
@ExtendWith(RealInfra.class)
class SlowClientIT {

  private static final String KEYSPACE = "it_slow_client";
  private static final String TOPIC = "ticks-slow-client";
  private static final List<String> TICKERS = List.of("AAPL", "MSFT", "JPM", "XOM", "KO", "PFE");
  private static final LocalDate FROM = LocalDate.of(2018, 1, 2);
  private static final LocalDate TO = LocalDate.of(2020, 12, 31);
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  private static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    RealInfra.createKeyspace(KEYSPACE);
    KafkaTopics.ensure(RealInfra.infra().kafkaBootstrapServers(), 2, TOPIC, TOPIC + ".quarantine");
    node = TestNode.start(KEYSPACE, TOPIC, true, Map.of());
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aStalledClientDoesNotHoldUpTheOthers() throws Exception {
    URI uri = URI.create(node.baseUrl);
    try (Socket stalled = new Socket();
        SseClient reader = new SseClient(node.baseUrl + "/api/v1/stream?events=update")) {
      // A tiny receive window and no reading: the server's writes back up within a few events.
      stalled.setReceiveBufferSize(1024);
      stalled.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
      OutputStream out = stalled.getOutputStream();
      out.write(
          ("GET /api/v1/stream HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAccept: text/event-stream\r\n"
                  + "Authorization: Bearer " + RealInfra.ADMIN_KEY.secret() + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(reader.status.get()).isEqualTo(200);

      KafkaReplay.run(
              node.system,
              new DailyBarReplay(
                  TICKERS.stream().map(SlowClientIT::dataFile).toList(), Set.copyOf(TICKERS), FROM, TO, TO.plusDays(1),
                  Duration.ZERO),
              RealInfra.infra().kafkaBootstrapServers(),
              TOPIC)
          .toCompletableFuture()
          .get(2, TimeUnit.MINUTES);

      // The reading client gets each ticker's last bar.
      for (String ticker : TICKERS) {
        List<Bar> bars = DailyBarCsv.readStrict(dataFile(ticker));
        Bar last =
            bars.stream().filter(b -> !b.start().isAfter(TO.atStartOfDay(ZoneOffset.UTC).toInstant())).reduce((a, b) -> b).orElseThrow();
        TestProbe.create(node.system).awaitAssert(PATIENCE, () -> {
          assertThat(reader.events)
              .filteredOn(e -> "update".equals(e.type()) && e.data().startsWith("{\"ticker\":\"" + ticker + "\""))
              .anyMatch(e -> parse(e.data()).bar().equals(last));
          return null;
        });
      }
    }
  }

  private static TickerView parse(String json) {
    try {
      return Json.MAPPER.readValue(json, TickerView.class);
    } catch (Exception e) {
      throw new AssertionError(json, e);
    }
  }

  private static Path dataFile(String ticker) {
    return Path.of(System.getProperty("tickcast.home", "..")).resolve("data/sp500-daily/" + ticker + ".csv.gz");
  }
}
