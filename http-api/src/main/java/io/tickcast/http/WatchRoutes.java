package io.tickcast.http;

import static org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling.toEventStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tickcast.features.IndicatorSet;
import io.tickcast.http.WatchService.NewWatch;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.Tickers;
import io.tickcast.protocols.Watch;
import io.tickcast.protocols.WatchCondition;
import io.tickcast.protocols.WatchCondition.Direction;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Watches and alerts below {@code /api/v1}, for traders: {@code POST/GET /watches}, {@code
 * GET/DELETE /watches/{id}} (a watch is its creator's: 403 for anyone else) and {@code GET
 * /alerts/stream}, the caller's alerts as Server-Sent Events ({@code alert}). Mutations are audited.
 * Malformed input is a 400 naming the field.
 */
public final class WatchRoutes extends AllDirectives {

  private static final List<String> TYPES = List.of("predicted-return", "direction-probability", "price-cross", "indicator-cross");
  private static final Set<String> INDICATORS = Set.copyOf(IndicatorSet.standard().names());
  // Long enough for any alerting use; bounded so that "last alert + cooldown" cannot overflow.
  private static final Duration MAX_COOLDOWN = Duration.ofDays(365);
  private static final int MAX_URL_LENGTH = 2048;

  private final WatchService service;
  private final Security security;
  private final Duration heartbeat;

  /** @param heartbeat how often an idle alert stream sends a heartbeat */
  public WatchRoutes(WatchService service, Security security, Duration heartbeat) {
    this.service = service;
    this.security = security;
    this.heartbeat = heartbeat;
  }

  public Route routes() {
    return concat(
        path(
            "watches",
            () ->
                concat(
                    get(() -> security.authenticated(Role.TRADER, this::list)),
                    post(
                        () ->
                            security.authenticated(
                                Role.TRADER,
                                who ->
                                    security.audited(
                                        who, "create watch", () -> entity(Unmarshaller.entityToString(), body -> create(who, body))))))),
        path(
            PathMatchers.segment("watches").slash(PathMatchers.segment()),
            id ->
                concat(
                    get(() -> security.authenticated(Role.TRADER, who -> one(id, who))),
                    delete(
                        () -> security.authenticated(Role.TRADER, who -> security.audited(who, "delete watch", () -> remove(id, who)))))),
        path(
            PathMatchers.segment("alerts").slash("stream"),
            () ->
                get(
                    () ->
                        // A stream: browsers' EventSource can only send the key as access_token.
                        security.authenticatedStream(
                            Role.TRADER, who -> optionalHeaderValueByName("Last-Event-ID", last -> alerts(who, last))))));
  }

  private Route list(Principal who) {
    return onSuccess(
        service.list(who.owner()), watches -> complete(StatusCodes.OK, Map.of("watches", watches), Jackson.marshaller(Json.MAPPER)));
  }

  private Route create(Principal who, String body) {
    NewWatch request;
    try {
      request = parse(body);
    } catch (Invalid e) {
      return problem("invalid-watch", "Invalid watch", 400, e.getMessage(), "/api/v1/watches");
    }
    return answer(
        service.add(who.owner(), request),
        "/api/v1/watches",
        view ->
            respondWithHeader(
                Location.create("/api/v1/watches/" + view.id()),
                () -> complete(StatusCodes.CREATED, view, Jackson.marshaller(Json.MAPPER))));
  }

  private Route one(String id, Principal who) {
    String instance = "/api/v1/watches/" + id;
    return onSuccess(
        service.get(id),
        found ->
            found
                .map(
                    view ->
                        view.owner().equals(who.owner())
                            ? complete(StatusCodes.OK, view, Jackson.marshaller(Json.MAPPER))
                            : problem("forbidden", "Forbidden", 403, "watch " + id + " belongs to another owner", instance))
                .orElseGet(() -> problem("unknown-watch", "Unknown watch", 404, "there is no watch " + id, instance)));
  }

  private Route remove(String id, Principal who) {
    return answer(service.remove(id, who.owner()), "/api/v1/watches/" + id, view -> complete(StatusCodes.NO_CONTENT));
  }

  private Route alerts(Principal who, Optional<String> lastEventId) {
    return completeOK(
        service.alerts(who.owner(), lastEventId).map(ApiRoutes::toEvent).keepAlive(heartbeat, ServerSentEvent::heartbeat),
        toEventStream());
  }

  /** {@code done} on success; the problem for a {@link Refused}; other failures go on. */
  private <T> Route answer(CompletionStage<T> result, String instance, Function<T, Route> done) {
    CompletionStage<Route> route =
        result
            .thenApply(done)
            .exceptionally(
                failure ->
                    Refused.in(failure)
                        .map(r -> problem(r.code(), title(r.code()), r.status(), r.getMessage(), instance))
                        .orElseThrow(() -> new CompletionException(failure)));
    return onSuccess(route, r -> r);
  }

  private static String title(String code) {
    return switch (code) {
      case "unknown-ticker" -> "Unknown ticker";
      case "unknown-watch" -> "Unknown watch";
      case "forbidden" -> "Forbidden";
      default -> "Watch request refused";
    };
  }

  private Route problem(String type, String title, int status, String detail, String instance) {
    return complete(ApiRoutes.problemResponse(Problem.of(type, title, status, detail, instance)));
  }

  // ---- the request body ----------------------------------------------------------------------

  /** Malformed input; the message names the field. */
  private static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  static NewWatch parse(String body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new Invalid("the body is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new Invalid("the body must be a JSON object {ticker, condition, cooldown?, delivery?}");
    }
    onlyFields(root, "", Set.of("ticker", "condition", "cooldown", "delivery"));
    String ticker = text(root, "ticker", "");
    if (!Tickers.isValid(ticker)) {
      throw new Invalid("field 'ticker' = '" + ticker + "' is not an exchange symbol (e.g. AAPL, BRK.B)");
    }
    return new NewWatch(ticker, condition(object(root, "condition", "")), cooldown(root.get("cooldown")), delivery(root.get("delivery")));
  }

  private static WatchCondition condition(JsonNode c) {
    String type = text(c, "type", "condition.");
    if (!TYPES.contains(type)) {
      throw new Invalid("field 'condition.type' = '" + type + "' is not one of " + String.join(", ", TYPES));
    }
    onlyFields(c, "condition.", type.equals("indicator-cross") ? Set.of("type", "indicator", "direction", "level") : Set.of("type", "direction", "level"));
    String directionText = text(c, "direction", "condition.");
    Direction direction =
        switch (directionText) {
          case "above" -> Direction.ABOVE;
          case "below" -> Direction.BELOW;
          default -> throw new Invalid("field 'condition.direction' must be above or below, not '" + directionText + "'");
        };
    JsonNode levelNode = c.get("level");
    if (levelNode == null || !levelNode.isNumber() || !Double.isFinite(levelNode.asDouble())) {
      throw new Invalid("field 'condition.level' must be a finite number");
    }
    double level = levelNode.asDouble();
    return switch (type) {
      case "predicted-return" -> new WatchCondition.PredictedReturn(direction, level);
      case "direction-probability" -> {
        if (level < 0 || level > 1) {
          throw new Invalid("field 'condition.level' is a probability: between 0 and 1, not " + level);
        }
        yield new WatchCondition.DirectionProbability(direction, level);
      }
      case "price-cross" -> {
        if (level <= 0) {
          throw new Invalid("field 'condition.level' is a price: above 0, not " + level);
        }
        yield new WatchCondition.PriceCross(direction, level);
      }
      default -> {
        String indicator = text(c, "indicator", "condition.");
        if (!INDICATORS.contains(indicator)) {
          throw new Invalid(
              "field 'condition.indicator' = '" + indicator + "' is not an indicator; known: "
                  + String.join(", ", IndicatorSet.standard().names()));
        }
        yield new WatchCondition.IndicatorCross(indicator, direction, level);
      }
    };
  }

  private static Duration cooldown(JsonNode node) {
    if (node == null || node.isNull()) {
      return Duration.ZERO;
    }
    Duration cooldown;
    try {
      cooldown = Duration.parse(node.isTextual() ? node.asText() : "");
    } catch (DateTimeParseException e) {
      throw new Invalid("field 'cooldown' must be an ISO-8601 duration such as PT15M or P1D");
    }
    if (cooldown.isNegative() || cooldown.compareTo(MAX_COOLDOWN) > 0) {
      throw new Invalid("field 'cooldown' must be between PT0S and " + MAX_COOLDOWN + ", not " + cooldown);
    }
    return cooldown;
  }

  private static Watch.Delivery delivery(JsonNode node) {
    if (node == null || node.isNull()) {
      return new Watch.Delivery(true, null);
    }
    if (!node.isObject()) {
      throw new Invalid("field 'delivery' must be an object {sse?, webhook?}");
    }
    onlyFields(node, "delivery.", Set.of("sse", "webhook"));
    JsonNode sseNode = node.get("sse");
    if (sseNode != null && !sseNode.isBoolean()) {
      throw new Invalid("field 'delivery.sse' must be true or false");
    }
    boolean sse = sseNode == null || sseNode.asBoolean();
    JsonNode hookNode = node.get("webhook");
    String webhook = hookNode == null || hookNode.isNull() ? null : webhook(hookNode);
    if (!sse && webhook == null) {
      throw new Invalid("field 'delivery' must enable sse or name a webhook: alerts have to go somewhere");
    }
    return new Watch.Delivery(sse, webhook);
  }

  /** An absolute http(s) URL with a host: the deliverer speaks nothing else. */
  private static String webhook(JsonNode node) {
    String text = node.isTextual() ? node.asText() : "";
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && text.length() <= MAX_URL_LENGTH) {
        return text;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new Invalid("field 'delivery.webhook' must be an http or https URL with a host, of at most " + MAX_URL_LENGTH + " characters");
  }

  private static JsonNode object(JsonNode parent, String field, String prefix) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      throw new Invalid("field '" + prefix + field + "' is required: an object");
    }
    return node;
  }

  private static String text(JsonNode parent, String field, String prefix) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isTextual()) {
      throw new Invalid("field '" + prefix + field + "' is required: a string");
    }
    return node.asText();
  }

  /** Refuses unknown fields, so a misspelt one is not silently ignored. */
  private static void onlyFields(JsonNode node, String prefix, Set<String> known) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new Invalid("field '" + prefix + name + "' is not known here; expected " + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }
}
