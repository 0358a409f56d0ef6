package io.tickcast.http;

import static org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling.toEventStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.TickerView;
import io.tickcast.protocols.Tickers;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tickcast's public HTTP API under {@code /api/v1}: ticker queries and the Server-Sent Events
 * stream. Errors are problem documents; bad input is a 4xx naming what was wrong, never a 500.
 */
public final class ApiRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);

  static final ContentType.WithFixedCharset PROBLEM_JSON =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();

  private final TickerService service;
  private final Security security;
  private final ModelRoutes models;
  private final QueryRoutes queries;
  private final ClusterRoutes cluster;
  private final Duration heartbeat;
  private final Duration stallTimeout;
  private final CorsSettings cors;
  private final ViewBodies<TickerView> viewBodies = new ViewBodies<>(Optional::of);
  private final ViewBodies<Prediction> predictionBodies = new ViewBodies<>(view -> Optional.ofNullable(view.prediction()));

  /**
   * @param heartbeat how often an idle stream sends a heartbeat
   * @param stallTimeout how long a stream client may read nothing before it is disconnected
   */
  public ApiRoutes(
      TickerService service,
      ClusterService cluster,
      ModelCatalog catalog,
      Security security,
      Duration heartbeat,
      Duration stallTimeout) {
    this(service, cluster, catalog, security, heartbeat, stallTimeout, CorsSettings.DISABLED);
  }

  /** @param cors cross-origin access to {@code /api/v1} ({@code tickcast.http.cors}) */
  public ApiRoutes(
      TickerService service,
      ClusterService cluster,
      ModelCatalog catalog,
      Security security,
      Duration heartbeat,
      Duration stallTimeout,
      CorsSettings cors) {
    this.cors = cors;
    this.service = service;
    this.security = security;
    this.models = new ModelRoutes(catalog, security);
    this.queries = new QueryRoutes(service, security);
    this.cluster = new ClusterRoutes(cluster, security);
    this.heartbeat = heartbeat;
    this.stallTimeout = stallTimeout;
  }

  /**
   * @param features routes of further features below {@code /api/v1} (e.g. {@link WatchRoutes}),
   *     served under the same authentication and error handling
   */
  public Route routes(Route... features) {
    // Built once: a Supplier given to a directive runs on every request, so a tree built inside
    // one would be rebuilt for each (measured: a visible share of the query path's CPU).
    Route v1 =
        concat(
            path("tickers", () -> read(this::allTickers)),
            path(
                PathMatchers.segment("tickers").slash(PathMatchers.segment()),
                ticker -> read(() -> oneTicker(ticker, this::viewRoute))),
            path(
                PathMatchers.segment("tickers").slash(PathMatchers.segment()).slash("prediction"),
                ticker -> read(() -> oneTicker(ticker, this::predictionRoute))),
            path(
                "stream",
                () ->
                    readStream(
                        () ->
                            parameterOptional(
                                "tickers",
                                tickers ->
                                    parameterOptional(
                                        "events",
                                        events ->
                                            optionalHeaderValueByName("Last-Event-ID", last -> stream(tickers, events, last)))))),
            path(
                PathMatchers.segment("ingest").slash("stats"),
                () -> read(() -> complete(StatusCodes.OK, service.ingestCounts(), Jackson.marshaller(Json.MAPPER)))),
            new OpenApiRoutes().routes(), // GET /api/v1/openapi.json, no key
            models.routes(),
            queries.routes(),
            cluster.routes(),
            concat(reject(), features));
    Route all =
        concat(
            new DashboardRoutes().routes(), // the web dashboard at / (static files, no key)
            pathPrefix(PathMatchers.segment("api").slash("v1"), () -> v1));
    ExceptionHandler exceptions = exceptionHandler();
    RejectionHandler rejections = rejectionHandler();
    return cors.apply(() -> handleExceptions(exceptions, () -> handleRejections(rejections, () -> all)));
  }

  /** A GET for any key (the viewer role and up). */
  private Route read(Supplier<Route> inner) {
    return get(() -> security.authenticated(Role.VIEWER, who -> inner.get()));
  }

  /**
   * {@link #read} for the SSE stream, which also takes the key as {@code ?access_token=}: browsers'
   * EventSource API cannot send an Authorization header. Keys in URLs end up in logs, so pages
   * (the dashboard) should use a viewer key for it.
   */
  private Route readStream(Supplier<Route> inner) {
    return get(() -> security.authenticatedStream(Role.VIEWER, who -> inner.get()));
  }

  private Route allTickers() {
    return onSuccess(
        service.all(),
        views -> complete(StatusCodes.OK, Map.of("tickers", views), Jackson.marshaller(Json.MAPPER)));
  }

  private Route viewRoute(TickerView view) {
    return complete(StatusCodes.OK, viewBodies.json(view).orElseThrow(), ViewBodies.JSON);
  }

  /** The latest prediction; 404 with the reason while the ticker has none yet. */
  private Route predictionRoute(TickerView view) {
    Optional<ByteString> prediction = predictionBodies.json(view);
    if (prediction.isPresent()) {
      return complete(StatusCodes.OK, prediction.get(), ViewBodies.JSON);
    }
    String why = view.predictionUnavailable() != null
        ? view.predictionUnavailable().code() + ": " + view.predictionUnavailable().reason()
        : "the first prediction has been requested";
    return problem(
        Problem.of(
            "no-prediction", "No prediction yet", 404, view.ticker() + " has no prediction yet (" + why + ")",
            "/api/v1/tickers/" + view.ticker() + "/prediction"));
  }

  private Route oneTicker(String ticker, Function<TickerView, Route> found) {
    if (!Tickers.isValid(ticker)) {
      return problem(
          Problem.of(
              "invalid-ticker",
              "Invalid ticker",
              400,
              "path segment 'ticker' = '" + ticker + "' is not an exchange symbol (e.g. AAPL, BRK.B)",
              "/api/v1/tickers/" + ticker));
    }
    CompletionStage<Optional<TickerView>> view = service.view(ticker);
    return onSuccess(
        view,
        maybe ->
            maybe
                .map(found)
                .orElseGet(
                    () ->
                        problem(
                            Problem.of(
                                "unknown-ticker",
                                "Unknown ticker",
                                404,
                                "no data has been received for " + ticker,
                                "/api/v1/tickers/" + ticker))));
  }

  private Route stream(Optional<String> tickersParam, Optional<String> eventsParam, Optional<String> lastEventId) {
    Set<String> tickers = csv(tickersParam);
    Optional<String> invalid = tickers.stream().filter(t -> !Tickers.isValid(t)).findFirst();
    if (invalid.isPresent()) {
      return problem(
          Problem.of(
              "invalid-ticker",
              "Invalid ticker",
              400,
              "query parameter 'tickers' holds '" + invalid.get() + "', which is not an exchange symbol",
              "/api/v1/stream"));
    }
    Set<String> events = csv(eventsParam);
    Optional<String> unknown = events.stream().filter(e -> !EVENT_TYPES.contains(e)).findFirst();
    if (unknown.isPresent()) {
      return problem(
          Problem.of(
              "invalid-event-type",
              "Invalid event type",
              400,
              "query parameter 'events' holds '" + unknown.get() + "'; known: " + String.join(", ", EVENT_TYPES),
              "/api/v1/stream"));
    }
    return completeOK(
        service
            .updates(new StreamEvent.Subscription(tickers, events.isEmpty() ? Set.copyOf(EVENT_TYPES) : events, lastEventId))
            // A client that reads slower than updates arrive gets the latest per ticker and type
            // (ids stay increasing); one that stops reading is disconnected.
            .conflateWithSeed(ApiRoutes::pending, ApiRoutes::conflate)
            .mapConcat(LinkedHashMap::values)
            .map(ApiRoutes::toEvent)
            .keepAlive(heartbeat, ServerSentEvent::heartbeat)
            // Fails the response (Pekko HTTP logs why and aborts the connection).
            .backpressureTimeout(stallTimeout),
        toEventStream());
  }

  /**
   * The stream's event types ({@code events=} values). Alerts are private to their watch's owner:
   * they go only to {@code /alerts/stream}, never here.
   */
  static final List<String> EVENT_TYPES = List.of("update", "prediction");

  private static Set<String> csv(Optional<String> param) {
    return param
        .map(p -> Arrays.stream(p.split(",")).map(String::strip).filter(v -> !v.isEmpty()).collect(Collectors.toSet()))
        .orElse(Set.of());
  }

  private static LinkedHashMap<String, StreamEvent> pending(StreamEvent first) {
    return conflate(new LinkedHashMap<>(), first);
  }

  private static LinkedHashMap<String, StreamEvent> conflate(LinkedHashMap<String, StreamEvent> pending, StreamEvent next) {
    // Re-inserted at the end, so the pending events stay in position order.
    String key = next instanceof StreamEvent.Positioned p ? p.update().ticker() + " " + p.update().eventType() : "gap " + pending.size();
    pending.remove(key);
    pending.put(key, next);
    return pending;
  }

  static ServerSentEvent toEvent(StreamEvent event) {
    if (event instanceof StreamEvent.Positioned p) {
      return ServerSentEvent.create(json(p.update()), p.update().eventType(), p.id());
    }
    // No id: a gap notice does not move the client's position.
    return ServerSentEvent.create(json(event), "gap");
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static HttpResponse problemResponse(Problem problem) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(problem.status()))
        .withEntity(HttpEntities.create(PROBLEM_JSON, json(problem)));
  }

  private Route problem(Problem problem) {
    return complete(problemResponse(problem));
  }

  private ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(
            Throwable.class,
            e -> {
              Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
                return problem(
                    Problem.of("unavailable", "Service unavailable", 503, "the cluster did not answer in time; retry", null));
              }
              log.error("Unhandled error in HTTP route", cause);
              return problem(Problem.of("internal", "Internal error", 500, "see the node's log", null));
            })
        .build();
  }

  private RejectionHandler rejectionHandler() {
    // Pekko's default rejection answers, re-wrapped as problem documents with the same status.
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            response -> {
              if (response.entity().getContentType().equals(PROBLEM_JSON)) {
                return response;
              }
              StatusCode status = response.status();
              String detail = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
                  ? strict.getData().utf8String()
                  : status.reason();
              return problemResponse(
                  Problem.of(
                      slug(status.reason()), status.reason(), status.intValue(), detail, null));
            });
  }

  private static String slug(String reason) {
    return List.of(reason.toLowerCase().split("[^a-z0-9]+")).stream()
        .filter(s -> !s.isEmpty())
        .collect(Collectors.joining("-"));
  }
}
