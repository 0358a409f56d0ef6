package io.tickcast.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.Simulation;
import java.util.ArrayList;
import java.util.List;

/**
 * A burst of new connections: {@code connections} clients connect at once, each on a connection
 * of its own, and ask one prediction; {@code bursts} times, {@code pause} seconds apart. This is
 * what a node meets when a client pool grows all at once (a load generator or an application
 * whose pooled connections were held up) or clients reconnect together: every new connection
 * costs the node its set-up before its first request is read. Judged by the slowest answer
 * ({@code maxMs}); see load-tests/README.md.
 */
public class ConnectionBurstSimulation extends Simulation {

  private final String baseUrl = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  private final int connections = Integer.getInteger("connections", 800);
  private final int bursts = Integer.getInteger("bursts", 5);
  private final int pause = Integer.getInteger("pause", 3);
  private final int maxMs = Integer.getInteger("maxMs", 2000);
  private final String ticker = System.getProperty("ticker", "AAPL");

  {
    List<OpenInjectionStep> steps = new ArrayList<>();
    for (int i = 0; i < bursts; i++) {
      if (i > 0) {
        steps.add(nothingFor(pause));
      }
      steps.add(atOnceUsers(connections));
    }
    setUp(
            scenario("burst")
                .exec(http("prediction").get("/api/v1/tickers/" + ticker + "/prediction").check(status().is(200)))
                .injectOpen(steps))
        // No shareConnections: each virtual user opens a connection of its own.
        .protocols(http.baseUrl(baseUrl).authorizationHeader("Bearer " + TickerQueriesSimulation.apiKey()).acceptHeader("application/json"))
        .assertions(global().responseTime().max().lt(maxMs), global().successfulRequests().percent().is(100.0));
  }
}
