package io.tickcast.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.uniformRandomSwitch;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The query target of issue 5: p99 under 10 ms at 2,000 requests/s. An open workload (arrivals
 * per second, independent of how fast the node answers) of single reads spread evenly over {@code
 * GET /tickers/{t}}, {@code /prediction} and {@code /features} of the given tickers, on a shared
 * connection pool as a fleet of API clients would use. Fails unless p99 &lt; {@code p99Ms} and at
 * least 99.9 % of the requests succeed.
 *
 * <p>Settings (system properties, see load-tests/README.md): {@code baseUrl}, {@code rate}
 * (requests/s), {@code duration} and {@code warmup} (seconds), {@code tickers} (comma separated),
 * {@code p99Ms}; the API key comes from the environment variable {@code TICKCAST_KEY}.
 */
public class TickerQueriesSimulation extends Simulation {

  private final String baseUrl = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  private final int rate = Integer.getInteger("rate", 2000);
  private final int duration = Integer.getInteger("duration", 60);
  private final int warmup = Integer.getInteger("warmup", 15);
  private final int p99Ms = Integer.getInteger("p99Ms", 10);
  private final List<String> tickers =
      Arrays.stream(System.getProperty("tickers", "AAPL,MSFT,AMZN,GOOGL,JPM").split(",")).map(String::strip).toList();

  static String apiKey() {
    String key = System.getenv("TICKCAST_KEY");
    if (key == null || key.isBlank()) {
      throw new IllegalStateException("set TICKCAST_KEY to an API key (./tickcast dev prints an admin key)");
    }
    return key;
  }

  private final HttpProtocolBuilder protocol =
      http.baseUrl(baseUrl)
          .authorizationHeader("Bearer " + apiKey())
          .acceptHeader("application/json")
          .shareConnections();

  /** One read per virtual user, in a group named like the scenario so the plateau is judged alone. */
  private ScenarioBuilder reads(String name) {
    return scenario(name)
        .feed(listFeeder(tickers.stream().map(t -> Map.<String, Object>of("ticker", t)).toList()).circular())
        .group(name)
        .on(
            uniformRandomSwitch()
                .on(
                    exec(http("view").get("/api/v1/tickers/#{ticker}").check(status().is(200))),
                    exec(http("prediction").get("/api/v1/tickers/#{ticker}/prediction").check(status().is(200))),
                    exec(http("features").get("/api/v1/tickers/#{ticker}/features").check(status().is(200)))));
  }

  {
    setUp(
            // JIT and connection pool warm-up, then the measured plateau.
            reads("warm-up")
                .injectOpen(rampUsersPerSec(1).to(rate).during(warmup))
                .andThen(reads("measured").injectOpen(constantUsersPerSec(rate).during(duration))))
        .protocols(protocol)
        .assertions(
            details("measured").responseTime().percentile(99.0).lt(p99Ms),
            details("measured").successfulRequests().percent().gte(99.9));
  }
}
