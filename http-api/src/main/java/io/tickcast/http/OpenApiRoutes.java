package io.tickcast.http;

import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/openapi.json}: the API's OpenAPI 3 document (the {@code openapi.json}
 * resource), without authentication. {@code OpenApiContractTest} keeps it true: every operation
 * it documents is exercised against the real routes and every exchange validated against it.
 */
final class OpenApiRoutes extends AllDirectives {

  static final String RESOURCE = "openapi.json";

  /** Routes below {@code /api/v1}. */
  Route routes() {
    return path("openapi.json", () -> get(() -> getFromResource(RESOURCE, ContentTypes.APPLICATION_JSON)));
  }
}
