package io.tickcast.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.tickcast.http.ModelCatalog.AssignAlias;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import io.tickcast.protocols.Json;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code GET /api/v1/models} (viewer) and {@code POST /api/v1/models/{name}/aliases} (admin,
 * audited): the registry's versions with their aliases and live scores, and promotion.
 */
final class ModelRoutes extends AllDirectives {

  // reason and force may be left out.
  private static final ObjectReader ASSIGN_READER =
      Json.MAPPER.readerFor(AssignAlias.class).without(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  private final ModelCatalog catalog;
  private final Security security;

  ModelRoutes(ModelCatalog catalog, Security security) {
    this.catalog = catalog;
    this.security = security;
  }

  /** Routes below {@code /api/v1}. */
  Route routes() {
    return concat(
        path("models", () -> get(() -> security.authenticated(Role.VIEWER, who -> list()))),
        path(
            PathMatchers.segment("models").slash(PathMatchers.segment()).slash("aliases"),
            model ->
                post(
                    () ->
                        security.authenticated(
                            Role.ADMIN,
                            who ->
                                security.audited(
                                    who,
                                    "assign model alias",
                                    () -> entity(Unmarshaller.entityToString(), body -> assign(model, body, who)))))));
  }

  private Route list() {
    return onSuccess(
        catalog.models(), models -> complete(StatusCodes.OK, Map.of("models", models), Jackson.marshaller(Json.MAPPER)));
  }

  private Route assign(String model, String body, Principal who) {
    String instance = "/api/v1/models/" + model + "/aliases";
    AssignAlias request;
    try {
      request = ASSIGN_READER.readValue(body);
    } catch (JsonProcessingException e) {
      return badRequest("the body is not a JSON object {alias, version, reason?, force?}: " + e.getOriginalMessage(), instance);
    }
    if (request == null || request.alias() == null || request.alias().isBlank()) {
      return badRequest("field 'alias' is required: champion or challenger", instance);
    }
    if (request.version() == null || request.version().isBlank()) {
      return badRequest("field 'version' is required", instance);
    }
    CompletionStage<Route> answer =
        catalog
            .assign(model, request, who.owner() + " (key " + who.keyId() + ")")
            .<Route>thenApply(moves -> complete(StatusCodes.OK, Map.of("moves", moves), Jackson.marshaller(Json.MAPPER)))
            .exceptionally(
                failure ->
                    Refused.in(failure)
                        .map(
                            refused ->
                                complete(
                                    ApiRoutes.problemResponse(
                                        Problem.of(
                                            refused.code(), "Model alias not assigned", refused.status(), refused.getMessage(),
                                            instance))))
                        .orElseThrow(() -> new java.util.concurrent.CompletionException(failure)));
    return onSuccess(answer, route -> route);
  }

  private Route badRequest(String detail, String instance) {
    return complete(ApiRoutes.problemResponse(Problem.of("invalid-request", "Invalid request", 400, detail, instance)));
  }
}
