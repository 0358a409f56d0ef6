package io.tickcast.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import io.tickcast.features.vector.FeatureVector;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.PredictionUpdate;
import io.tickcast.protocols.TickerView;
import io.tickcast.protocols.Tickers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The query side below {@code /api/v1}, for any key (viewer and up):
 *
 * <ul>
 *   <li>{@code GET /tickers/{t}/history?from=&to=&limit=&pageToken=}: bars with the predictions
 *       made from them and their outcomes, <b>newest first</b>. {@code from} and {@code to}
 *       (both inclusive, bar start) are ISO-8601 instants or dates (a date is 00:00Z of that day);
 *       {@code limit} is 1 to {@value #MAX_LIMIT} (default {@value #DEFAULT_LIMIT}). A page that
 *       is not the last carries {@code nextPageToken}: pass it with the same other parameters to
 *       get the next (older) page.
 *   <li>{@code GET /tickers/{t}/features}: the live feature vector (the model input of the latest
 *       bar) with its schema and column names; 409 {@code features-not-ready} while warming up.
 *   <li>{@code POST /predictions:batch} with {@code {"tickers": [...]}} (at most {@value
 *       #MAX_BATCH}): each ticker's latest prediction or why it has none, asked of all entities at
 *       once.
 * </ul>
 */
final class QueryRoutes extends AllDirectives {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final int MAX_BATCH = 100;
  private static final String TOKEN_PREFIX = "h1:";
  private static final ObjectReader BATCH_READER = Json.MAPPER.readerFor(BatchRequest.class);

  private final TickerService service;
  private final Security security;
  private final ViewBodies<Features> featureBodies =
      new ViewBodies<>(
          view ->
              FeatureVector.of(view.indicators(), view.bar().adjustedClose())
                  .map(
                      values ->
                          new Features(
                              view.ticker(), view.bar().start(), view.sequenceNr(), FeatureVector.SCHEMA_ID,
                              FeatureVector.NAMES, values)));

  QueryRoutes(TickerService service, Security security) {
    this.service = service;
    this.security = security;
  }

  /** Routes below {@code /api/v1}. */
  Route routes() {
    return concat(
        path(
            PathMatchers.segment("tickers").slash(PathMatchers.segment()).slash("history"),
            ticker -> read(() -> validTicker(ticker, "/history", () -> parameterMap(params -> history(ticker, params))))),
        path(
            PathMatchers.segment("tickers").slash(PathMatchers.segment()).slash("features"),
            ticker -> read(() -> validTicker(ticker, "/features", () -> features(ticker)))),
        path(
            "predictions:batch",
            () ->
                post(
                    () ->
                        security.authenticated(
                            Role.VIEWER, who -> entity(Unmarshaller.entityToString(), this::batch)))));
  }

  private Route read(Supplier<Route> inner) {
    return get(() -> security.authenticated(Role.VIEWER, who -> inner.get()));
  }

  // ---- history ----------------------------------------------------------------------------

  /** What the client asked for, or what is wrong with the first parameter it got wrong. */
  private sealed interface Parsed<T> {}

  private record Ok<T>(T value) implements Parsed<T> {}

  private record Bad<T>(String detail) implements Parsed<T> {}

  private Route history(String ticker, Map<String, String> params) {
    String instance = "/api/v1/tickers/" + ticker + "/history";
    Parsed<HistoryQuery> parsed = historyQuery(params);
    if (parsed instanceof Bad<HistoryQuery> bad) {
      return badParameter(bad, instance);
    }
    HistoryQuery query = ((Ok<HistoryQuery>) parsed).value();
    return onSuccess(
        service.history(ticker, query),
        page ->
            page.<Route>map(p -> complete(StatusCodes.OK, HistoryResponse.of(ticker, p), Jackson.marshaller(Json.MAPPER)))
                .orElseGet(() -> unknownTicker(ticker, instance)));
  }

  static Parsed<HistoryQuery> historyQuery(Map<String, String> params) {
    Parsed<Instant> from = instant(params, "from", Instant.EPOCH);
    if (from instanceof Bad<Instant> bad) {
      return new Bad<>(bad.detail());
    }
    Parsed<Instant> to = instant(params, "to", null);
    if (to instanceof Bad<Instant> bad) {
      return new Bad<>(bad.detail());
    }
    Instant fromValue = ((Ok<Instant>) from).value().truncatedTo(ChronoUnit.MILLIS);
    Instant toValue = ((Ok<Instant>) to).value();
    // "to" is inclusive; the query's bound is exclusive.
    Instant until = toValue == null ? Instant.MAX : toValue.truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    if (!fromValue.isBefore(until)) {
      return new Bad<>("'to' (" + toValue + ") is before 'from' (" + fromValue + ")");
    }
    int limit = DEFAULT_LIMIT;
    String limitText = params.get("limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        return new Bad<>("'limit' = '" + limitText + "' must be a whole number from 1 to " + MAX_LIMIT);
      }
    }
    String token = params.get("pageToken");
    if (token != null) {
      Optional<Instant> cursor = decodePageToken(token);
      if (cursor.isEmpty()) {
        return new Bad<>("'pageToken' is not a token this API issued; pass nextPageToken as it came");
      }
      if (cursor.get().isBefore(until)) {
        until = cursor.get();
      }
    }
    return new Ok<>(new HistoryQuery(fromValue, until, limit));
  }

  private static Parsed<Instant> instant(Map<String, String> params, String name, Instant absent) {
    String text = params.get(name);
    if (text == null) {
      return new Ok<>(absent);
    }
    try {
      return new Ok<>(text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
    } catch (DateTimeParseException e) {
      return new Bad<>("'" + name + "' = '" + text + "' is neither an ISO-8601 instant (2020-01-02T00:00:00Z) nor a date (2020-01-02)");
    }
  }

  /** The token resumes below the oldest bar of the page it came with; opaque to clients. */
  static String pageToken(Instant oldestStart) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((TOKEN_PREFIX + oldestStart.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
  }

  static Optional<Instant> decodePageToken(String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!text.startsWith(TOKEN_PREFIX)) {
        return Optional.empty();
      }
      return Optional.of(Instant.ofEpochMilli(Long.parseLong(text.substring(TOKEN_PREFIX.length()))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record HistoryResponse(String ticker, List<HistoryPage.Entry> entries, String nextPageToken) {
    static HistoryResponse of(String ticker, HistoryPage page) {
      String next =
          page.more() && !page.entries().isEmpty()
              ? pageToken(page.entries().get(page.entries().size() - 1).bar().start())
              : null;
      return new HistoryResponse(ticker, page.entries(), next);
    }
  }

  // ---- features ---------------------------------------------------------------------------

  /** The model input of the bar starting at {@code asOf}, in the order of {@code names}. */
  record Features(String ticker, Instant asOf, long sequenceNr, String schema, List<String> names, double[] values) {}

  private Route features(String ticker) {
    String instance = "/api/v1/tickers/" + ticker + "/features";
    return onSuccess(
        service.view(ticker),
        view -> view.<Route>map(v -> features(v, instance)).orElseGet(() -> unknownTicker(ticker, instance)));
  }

  private Route features(TickerView view, String instance) {
    Optional<ByteString> features = featureBodies.json(view);
    if (features.isPresent()) {
      return complete(StatusCodes.OK, features.get(), ViewBodies.JSON);
    }
    String notReady =
        view.indicators().entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).collect(Collectors.joining(", "));
    return problem(
        Problem.of(
            "features-not-ready", "Features not ready", 409,
            view.ticker() + " is warming up: " + view.barCount() + " bars so far, indicators not ready yet: " + notReady,
            instance));
  }

  // ---- batch predictions ------------------------------------------------------------------

  record BatchRequest(List<String> tickers) {}

  /** Exactly one of {@code prediction} and {@code unavailable} is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record BatchEntry(String ticker, Prediction prediction, PredictionUpdate.Unavailable unavailable) {}

  record BatchResponse(List<BatchEntry> predictions) {}

  private Route batch(String body) {
    String instance = "/api/v1/predictions:batch";
    BatchRequest request;
    try {
      request = BATCH_READER.readValue(body);
    } catch (JsonProcessingException e) {
      return invalidRequest("the body is not a JSON object {\"tickers\": [...]}: " + e.getOriginalMessage(), instance);
    }
    if (request == null || request.tickers() == null || request.tickers().isEmpty()) {
      return invalidRequest("field 'tickers' must list at least one ticker", instance);
    }
    // Duplicates are answered once, in the order first asked.
    List<String> tickers = List.copyOf(new LinkedHashSet<>(request.tickers()));
    if (tickers.size() > MAX_BATCH) {
      return invalidRequest("field 'tickers' lists " + tickers.size() + " tickers; at most " + MAX_BATCH + " per request", instance);
    }
    List<String> invalid = tickers.stream().filter(t -> !Tickers.isValid(t)).toList();
    if (!invalid.isEmpty()) {
      return problem(
          Problem.of(
              "invalid-ticker", "Invalid ticker", 400,
              "field 'tickers' holds " + invalid.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))
                  + ", not exchange symbols (e.g. AAPL, BRK.B)",
              instance));
    }
    List<CompletableFuture<BatchEntry>> answers = new ArrayList<>(tickers.size());
    for (String ticker : tickers) {
      answers.add(service.view(ticker).handle((view, failure) -> batchEntry(ticker, view, failure)).toCompletableFuture());
    }
    CompletionStage<BatchResponse> all =
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
            .thenApply(done -> new BatchResponse(answers.stream().map(CompletableFuture::join).toList()));
    return onSuccess(all, response -> complete(StatusCodes.OK, response, Jackson.marshaller(Json.MAPPER)));
  }

  /** One ticker's answer; a ticker that fails is reported as such, never failing the batch. */
  private static BatchEntry batchEntry(String ticker, Optional<TickerView> view, Throwable failure) {
    if (failure != null) {
      return new BatchEntry(ticker, null, new PredictionUpdate.Unavailable("unavailable", "the ticker's entity did not answer in time; retry"));
    }
    if (view.isEmpty()) {
      return new BatchEntry(ticker, null, new PredictionUpdate.Unavailable("unknown-ticker", "no data has been received for " + ticker));
    }
    TickerView v = view.get();
    if (v.prediction() != null) {
      return new BatchEntry(ticker, v.prediction(), null);
    }
    return new BatchEntry(
        ticker, null,
        v.predictionUnavailable() != null
            ? v.predictionUnavailable()
            : new PredictionUpdate.Unavailable("pending", "the first prediction has been requested"));
  }

  // ---- shared -----------------------------------------------------------------------------

  private Route validTicker(String ticker, String suffix, Supplier<Route> inner) {
    if (Tickers.isValid(ticker)) {
      return inner.get();
    }
    return problem(
        Problem.of(
            "invalid-ticker", "Invalid ticker", 400,
            "path segment 'ticker' = '" + ticker + "' is not an exchange symbol (e.g. AAPL, BRK.B)",
            "/api/v1/tickers/" + ticker + suffix));
  }

  private Route unknownTicker(String ticker, String instance) {
    return problem(Problem.of("unknown-ticker", "Unknown ticker", 404, "no data has been received for " + ticker, instance));
  }

  private Route badParameter(Bad<?> bad, String instance) {
    return problem(Problem.of("invalid-parameter", "Invalid query parameter", 400, bad.detail(), instance));
  }

  private Route invalidRequest(String detail, String instance) {
    return problem(Problem.of("invalid-request", "Invalid request", 400, detail, instance));
  }

  private Route problem(Problem problem) {
    return complete(ApiRoutes.problemResponse(problem));
  }
}
