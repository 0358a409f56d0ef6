package io.tickcast.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.http.security.Security;
import io.tickcast.protocols.IngestCounts;
import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.TickerView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's static files on a real Pekko HTTP server: alone, and mounted in {@link
 * ApiRoutes} as the node serves it.
 */
class DashboardRoutesTest {

  private static final HttpClient client = HttpClient.newHttpClient();
  private static ActorTestKit testKit;
  private static String alone;
  private static String mounted;

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    alone = bind(new DashboardRoutes().routes());
    Security open =
        TestSecurity.of(Map.of());
    mounted =
        bind(new ApiRoutes(NO_TICKERS, NO_CLUSTER, NO_MODELS, open, Duration.ofSeconds(15), Duration.ofSeconds(30)).routes());
  }

  private static String bind(Route route) throws Exception {
    int port =
        Http.get(testKit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(route)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .localAddress()
            .getPort();
    return "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void thePageIsServedAtTheRootAndBelowDashboardWithoutAKey() throws Exception {
    for (String path : List.of("/", "/dashboard", "/dashboard/")) {
      HttpResponse<String> page = get(alone + path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(header(page, "Content-Type")).as(path).isEqualToIgnoringCase("text/html; charset=UTF-8");
      assertThat(page.body()).contains("<title>Tickcast</title>", "/dashboard/app.js", "/webjars/echarts/5.3.1/dist/echarts.min.js");
      assertThat(header(page, "Cache-Control")).isEqualTo("no-cache");
      assertThat(header(page, "Content-Security-Policy")).contains("script-src 'self'", "connect-src 'self'");
      assertThat(header(page, "Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(header(page, "X-Content-Type-Options")).isEqualTo("nosniff");
    }
  }

  @Test
  void scriptsAndStylesHaveTheirContentTypesAndAreRevalidated() throws Exception {
    HttpResponse<String> script = get(alone + "/dashboard/app.js");
    assertThat(script.statusCode()).isEqualTo(200);
    // ES modules load only with a JavaScript MIME type.
    assertThat(header(script, "Content-Type")).startsWith("application/javascript");
    assertThat(header(script, "Cache-Control")).isEqualTo("no-cache");
    assertThat(header(script, "X-Content-Type-Options")).isEqualTo("nosniff");
    String lastModified = header(script, "Last-Modified");
    assertThat(lastModified).isNotNull();

    HttpResponse<String> again =
        client.send(
            HttpRequest.newBuilder(URI.create(alone + "/dashboard/app.js")).header("If-Modified-Since", lastModified).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);

    HttpResponse<String> css = get(alone + "/dashboard/app.css");
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(header(css, "Content-Type")).startsWith("text/css");
  }

  @Test
  void everyFileThePageAndItsModulesReferToResolves() throws Exception {
    Set<String> files = new LinkedHashSet<>();
    collect(get(alone + "/").body(), Pattern.compile("(?:src|href)=\"(/(?:dashboard|webjars)/[^\"]+)\""), "", files);
    // ES module imports ('./x.js') of every script found, transitively.
    List<String> scripts = new ArrayList<>(files.stream().filter(f -> f.startsWith("/dashboard/") && f.endsWith(".js")).toList());
    for (int i = 0; i < scripts.size(); i++) {
      String body = get(alone + scripts.get(i)).body();
      Set<String> imports = new LinkedHashSet<>();
      collect(body, Pattern.compile("(?:import|from)\\s*['\"]\\./([\\w.-]+\\.js)['\"]"), "/dashboard/", imports);
      for (String imported : imports) {
        if (files.add(imported)) {
          scripts.add(imported);
        }
      }
    }
    assertThat(files).contains("/dashboard/app.js", "/dashboard/app.css", "/webjars/echarts/5.3.1/dist/echarts.min.js");
    assertThat(scripts.size()).as("modules of the page: %s", scripts).isGreaterThan(3);
    for (String file : files) {
      assertThat(get(alone + file).statusCode()).as(file).isEqualTo(200);
    }
  }

  @Test
  void echartsComesFromItsWebJarCachedForAYear() throws Exception {
    HttpResponse<String> library = get(alone + "/webjars/echarts/5.3.1/dist/echarts.min.js");
    assertThat(library.statusCode()).isEqualTo(200);
    assertThat(header(library, "Content-Type")).startsWith("application/javascript");
    assertThat(header(library, "Cache-Control")).contains("public", "max-age=31536000", "immutable");
    assertThat(library.body().length()).isGreaterThan(500_000);
    assertThat(library.body()).contains("echarts");
  }

  @Test
  void unknownFilesAreNotFoundProblems() throws Exception {
    for (String path :
        List.of(
            "/dashboard/nope.js",
            "/dashboard/sub/dir/x.css",
            "/webjars/echarts/9.9.9/dist/echarts.min.js",
            "/webjars/echarts/..%2f..%2fdashboard%2findex.html")) {
      HttpResponse<String> response = get(alone + path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(header(response, "Content-Type")).as(path).isEqualTo("application/problem+json");
      assertThat(response.body()).as(path).contains("\"type\":\"https://tickcast.io/problems/not-found\"", "\"status\":404");
    }
  }

  @Test
  void nothingOutsideTheDashboardFolderIsServed() throws Exception {
    // Dot segments are resolved before routing: these ask for /META-INF/..., which no route serves.
    for (String path : List.of("/dashboard/%2e%2e/META-INF/MANIFEST.MF", "/dashboard/../META-INF/MANIFEST.MF", "/webjars/echarts/%2e%2e/%2e%2e/%2e%2e/MANIFEST.MF")) {
      HttpResponse<String> response = get(mounted + path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(header(response, "Content-Type")).as(path).isEqualTo("application/problem+json");
      assertThat(response.body()).as(path).doesNotContain("Manifest-Version");
    }
  }

  @Test
  void mountedInTheApiThePageIsServedAndTheApiStillNeedsAKey() throws Exception {
    HttpResponse<String> page = get(mounted + "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>Tickcast</title>");
    assertThat(get(mounted + "/dashboard/app.js").statusCode()).isEqualTo(200);
    assertThat(get(mounted + "/webjars/echarts/5.3.1/dist/echarts.min.js").statusCode()).isEqualTo(200);

    HttpResponse<String> missing = get(mounted + "/dashboard/missing.js");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(header(missing, "Content-Type")).isEqualTo("application/problem+json");

    HttpResponse<String> api = get(mounted + "/api/v1/tickers");
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(header(api, "Content-Type")).isEqualTo("application/problem+json");

    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(URI.create(mounted + "/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(header(post, "Content-Type")).isEqualTo("application/problem+json");
  }

  private static void collect(String text, Pattern pattern, String prefix, Set<String> into) {
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      into.add(prefix + m.group(1));
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  // ---- services the dashboard never reaches ---------------------------------------------------

  private static final TickerService NO_TICKERS =
      new TickerService() {
        @Override
        public CompletionStage<List<TickerView>> all() {
          return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<Optional<TickerView>> view(String ticker) {
          return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletionStage<Optional<HistoryPage>> history(String ticker, HistoryQuery query) {
          return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public Source<StreamEvent, NotUsed> updates(StreamEvent.Subscription subscription) {
          return Source.empty();
        }

        @Override
        public IngestCounts ingestCounts() {
          throw new UnsupportedOperationException();
        }
      };

  private static final ClusterService NO_CLUSTER =
      new ClusterService() {
        @Override
        public CompletionStage<ClusterOverview> overview() {
          return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }

        @Override
        public CompletionStage<Optional<ClusterOverview.Member>> changeMembership(String address, MembershipChange change) {
          return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }
      };

  private static final ModelCatalog NO_MODELS =
      new ModelCatalog() {
        @Override
        public CompletionStage<List<ModelEntry>> models() {
          return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<List<AliasMove>> assign(String model, AssignAlias request, String by) {
          return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }
      };
}
