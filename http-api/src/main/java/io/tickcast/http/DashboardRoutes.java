package io.tickcast.http;

import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web dashboard: static files, served without authentication (they hold no data; the page
 * asks for an API key and sends it with every API call).
 *
 * <ul>
 *   <li>{@code GET /}, {@code /dashboard} and {@code /dashboard/}: the page ({@code
 *       dashboard/index.html} on the classpath), never cached without revalidation.
 *   <li>{@code GET /dashboard/{file}}: its scripts and styles ({@code dashboard/} on the
 *       classpath), revalidated with {@code Last-Modified}/{@code ETag} on every load, since their
 *       names carry no version.
 *   <li>{@code GET /webjars/echarts/{version}/...}: the charting library from its WebJar, cached
 *       for a year (the version is in the path). Nothing comes from a CDN: the page works offline.
 * </ul>
 *
 * Anything else below those prefixes is a 404 problem document. The page's Content Security
 * Policy allows scripts and connections to this origin only.
 */
public final class DashboardRoutes extends AllDirectives {

  static final String RESOURCES = "dashboard";
  static final String ECHARTS = "META-INF/resources/webjars/echarts";

  /** Scripts only from this origin; echarts sets inline styles on the elements it draws. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private static final List<HttpHeader> PAGE_HEADERS =
      List.of(
          CacheControl.create(CacheDirectives.NO_CACHE),
          RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          // The stream URL carries the key (EventSource); it must not leak as a Referer.
          RawHeader.create("Referrer-Policy", "no-referrer"));

  private static final List<HttpHeader> ASSET_HEADERS =
      List.of(CacheControl.create(CacheDirectives.NO_CACHE), RawHeader.create("X-Content-Type-Options", "nosniff"));

  private static final List<HttpHeader> LIBRARY_HEADERS =
      List.of(
          CacheControl.create(CacheDirectives.PUBLIC, CacheDirectives.MAX_AGE(365L * 24 * 3600), CacheDirectives.IMMUTABLE),
          RawHeader.create("X-Content-Type-Options", "nosniff"));

  private final ClassLoader classLoader = DashboardRoutes.class.getClassLoader();

  public Route routes() {
    // Built once: the API's requests pass through here first, and a tree built inside get()'s
    // Supplier would be rebuilt for each of them (a tenth of a query's allocation, measured).
    Route pageFile = concat(getFromResource(RESOURCES + "/index.html", ContentTypes.TEXT_HTML_UTF8, classLoader), notFound("/"));
    Route page = respondWithHeaders(PAGE_HEADERS, () -> pageFile);
    Route assetFiles = concat(getFromResourceDirectory(RESOURCES, classLoader), notFound("/" + RESOURCES));
    Route assets = respondWithHeaders(ASSET_HEADERS, () -> assetFiles);
    Route libraryFiles = concat(getFromResourceDirectory(ECHARTS, classLoader), notFound("/webjars/echarts"));
    Route library = respondWithHeaders(LIBRARY_HEADERS, () -> libraryFiles);
    Route underResources = concat(pathSingleSlash(() -> page), assets);
    Route dashboard =
        concat(
            pathSingleSlash(() -> page),
            path(RESOURCES, () -> page),
            pathPrefix(RESOURCES, () -> underResources),
            pathPrefix(PathMatchers.segment("webjars").slash("echarts"), () -> library));
    return get(() -> dashboard);
  }

  /** Completes with a 404 problem (rather than rejecting), whatever else the server mounts. */
  private Route notFound(String prefix) {
    return extractUnmatchedPath(
        rest ->
            complete(
                ApiRoutes.problemResponse(
                    Problem.of("not-found", "Not found", 404, "the dashboard has no file " + prefix + rest, prefix + rest))));
  }
}
