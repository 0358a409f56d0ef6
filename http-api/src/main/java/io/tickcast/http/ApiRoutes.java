package io.tickcast.http;

import static org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling.toEventStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.TickerView;
import io.tickcast.protocols.Tickers;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
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
  private final Duration heartbeat;

  public ApiRoutes(TickerService service, Duration heartbeat) {
    this.service = service;
    this.heartbeat = heartbeat;
  }

  public Route routes() {
    return handleExceptions(
        exceptionHandler(),
        () ->
            handleRejections(
                rejectionHandler(),
                () ->
                    pathPrefix(
                        "api",
                        () ->
                            pathPrefix(
                                "v1",
                                () ->
                                    concat(
                                        path("tickers", () -> get(this::allTickers)),
                                        path(
                                            PathMatchers.segment("tickers").slash(PathMatchers.segment()),
                                            ticker -> get(() -> oneTicker(ticker))),
                                        path("stream", () -> get(() -> parameterOptional("tickers", this::stream))),
                                        path(
                                            PathMatchers.segment("ingest").slash("stats"),
                                            () -> get(() -> complete(StatusCodes.OK, service.ingestCounts(), Jackson.marshaller(Json.MAPPER)))))))));
  }

  private Route allTickers() {
    return onSuccess(
        service.all(),
        views -> complete(StatusCodes.OK, Map.of("tickers", views), Jackson.marshaller(Json.MAPPER)));
  }

  private Route oneTicker(String ticker) {
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
        found ->
            found
                .<Route>map(v -> complete(StatusCodes.OK, v, Jackson.marshaller(Json.MAPPER)))
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

  private Route stream(Optional<String> tickersParam) {
    Optional<Set<String>> filter = tickersParam.map(p -> Arrays.stream(p.split(",")).map(String::strip).collect(Collectors.toSet()));
    Optional<String> invalid = filter.flatMap(set -> set.stream().filter(t -> !Tickers.isValid(t)).findFirst());
    if (invalid.isPresent()) {
      return problem(
          Problem.of(
              "invalid-ticker",
              "Invalid ticker",
              400,
              "query parameter 'tickers' holds '" + invalid.get() + "', which is not an exchange symbol",
              "/api/v1/stream"));
    }
    Function<TickerView, Boolean> wanted = v -> filter.map(set -> set.contains(v.ticker())).orElse(true);
    return completeOK(
        service
            .updates()
            .filter(wanted::apply)
            .map(ApiRoutes::toEvent)
            .keepAlive(heartbeat, ServerSentEvent::heartbeat),
        toEventStream());
  }

  static ServerSentEvent toEvent(TickerView view) {
    return ServerSentEvent.create(json(view), "update", view.ticker() + ":" + view.sequenceNr());
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse problemResponse(Problem problem) {
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
