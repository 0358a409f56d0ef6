package io.tickcast.http;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Cross-origin access to {@code /api/v1} ({@code tickcast.http.cors}), for a dashboard served from
 * another origin. Empty {@code allowed-origins} (the default; the built-in dashboard is
 * same-origin) sends no CORS headers at all.
 *
 * <p>For an allowed origin: a preflight ({@code OPTIONS} with {@code
 * Access-Control-Request-Method}) is answered 204 without authentication, allowing {@code GET},
 * {@code POST}, {@code DELETE} and the headers {@code Authorization}, {@code Content-Type} and
 * {@code Last-Event-ID}; every other response gets {@code Access-Control-Allow-Origin} (the
 * origin itself) and exposes {@code Location}, {@code Retry-After} and {@code WWW-Authenticate}. A
 * preflight from another origin is a 403 problem {@code origin-not-allowed}; its other requests
 * are served without CORS headers, so browsers keep the answer from the page. With CORS on, all
 * {@code /api/v1} responses carry {@code Vary: Origin}. {@code "*"} allows any origin (API keys
 * travel in a header, not as cookies, so no credentials mode is involved).
 */
public final class CorsSettings extends AllDirectives {

  public static final CorsSettings DISABLED = new CorsSettings(List.of());

  static final String ALLOWED_METHODS = "GET, POST, DELETE";
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID";
  static final String EXPOSED_HEADERS = "Location, Retry-After, WWW-Authenticate";
  static final long MAX_AGE_SECONDS = 600;

  private final Set<String> allowedOrigins;
  private final boolean anyOrigin;

  /** @param allowedOrigins origins as browsers send them ({@code https://dash.example.com:8443}), or {@code *} */
  public CorsSettings(List<String> allowedOrigins) {
    this.allowedOrigins = allowedOrigins.stream().map(CorsSettings::normalize).collect(Collectors.toUnmodifiableSet());
    this.anyOrigin = this.allowedOrigins.contains("*");
  }

  /** From the {@code tickcast.http.cors} block. */
  public static CorsSettings fromConfig(Config cors) {
    return new CorsSettings(cors.getStringList("allowed-origins"));
  }

  public boolean enabled() {
    return !allowedOrigins.isEmpty();
  }

  boolean allows(String origin) {
    return anyOrigin || allowedOrigins.contains(normalize(origin));
  }

  private static String normalize(String origin) {
    String o = origin.strip().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }

  /** {@code inner} with CORS applied to requests below {@code /api/v1}; others pass untouched. */
  public Route apply(Supplier<Route> inner) {
    if (!enabled()) {
      return inner.get();
    }
    return extractRequest(
        request -> {
          String path = request.getUri().path();
          if (!path.equals("/api/v1") && !path.startsWith("/api/v1/")) {
            return inner.get();
          }
          Optional<String> origin = request.getHeader("Origin").map(HttpHeader::value);
          boolean preflight =
              request.method().equals(HttpMethods.OPTIONS) && request.getHeader("Access-Control-Request-Method").isPresent();
          HttpHeader vary = RawHeader.create("Vary", "Origin");
          if (origin.isEmpty()) {
            return respondWithHeaders(List.of(vary), inner);
          }
          if (!allows(origin.get())) {
            if (preflight) {
              return complete(
                  ApiRoutes.problemResponse(
                          Problem.of(
                              "origin-not-allowed", "Origin not allowed", 403,
                              "origin '" + origin.get() + "' is not in tickcast.http.cors.allowed-origins", path))
                      .addHeader(vary));
            }
            return respondWithHeaders(List.of(vary), inner);
          }
          HttpHeader allowOrigin = RawHeader.create("Access-Control-Allow-Origin", origin.get());
          if (preflight) {
            return complete(
                HttpResponse.create()
                    .withStatus(StatusCodes.NO_CONTENT)
                    .addHeaders(
                        List.of(
                            allowOrigin,
                            vary,
                            RawHeader.create("Access-Control-Allow-Methods", ALLOWED_METHODS),
                            RawHeader.create("Access-Control-Allow-Headers", ALLOWED_HEADERS),
                            RawHeader.create("Access-Control-Max-Age", Long.toString(MAX_AGE_SECONDS)))));
          }
          return respondWithHeaders(
              List.of(allowOrigin, vary, RawHeader.create("Access-Control-Expose-Headers", EXPOSED_HEADERS)), inner);
        });
  }
}
