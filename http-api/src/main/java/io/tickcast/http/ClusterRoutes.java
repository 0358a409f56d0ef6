package io.tickcast.http;

import io.tickcast.http.ClusterService.MembershipChange;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import io.tickcast.protocols.Json;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/cluster} (viewer): members, leader and where the ticker shards live; {@code
 * POST /api/v1/cluster/members/{address}/leave} and {@code .../down} (admin, audited), with the
 * member's address URL-encoded as one path segment ({@code pekko%3A%2F%2Ftickcast%40host%3A25520}).
 *
 * <p>Membership changes are made here and not on Pekko Management's port, which stays read-only
 * ({@code route-providers-read-only}): one key store, one set of roles and one audit log for every
 * mutation, while the management port keeps serving probes ({@code /ready}, {@code /alive}) and
 * cluster inspection without credentials, as Kubernetes probes need.
 */
final class ClusterRoutes extends AllDirectives {

  private final ClusterService cluster;
  private final Security security;

  ClusterRoutes(ClusterService cluster, Security security) {
    this.cluster = cluster;
    this.security = security;
  }

  /** Routes below {@code /api/v1}. */
  Route routes() {
    return concat(
        path(
            "cluster",
            () ->
                get(
                    () ->
                        security.authenticated(
                            Role.VIEWER,
                            who -> onSuccess(cluster.overview(), o -> complete(StatusCodes.OK, o, Jackson.marshaller(Json.MAPPER)))))),
        path(
            PathMatchers.segment("cluster").slash("members").slash(PathMatchers.segment()).slash(PathMatchers.segment()),
            (address, action) ->
                post(
                    () ->
                        security.authenticated(
                            Role.ADMIN,
                            who -> security.audited(who, "cluster member " + action, () -> change(address, action, who))))));
  }

  private Route change(String address, String action, Principal who) {
    String instance = "/api/v1/cluster/members/" + address + "/" + action;
    MembershipChange change;
    switch (action) {
      case "leave" -> change = MembershipChange.LEAVE;
      case "down" -> change = MembershipChange.DOWN;
      default -> {
        return problem(
            Problem.of("unknown-action", "Unknown action", 404, "'" + action + "' is no membership change; use leave or down", instance));
      }
    }
    try {
      AddressFromURIString.parse(address);
    } catch (Exception e) { // MalformedURLException, thrown by Scala code that does not declare it
      return problem(
          Problem.of(
              "invalid-address", "Invalid address", 400,
              "path segment 'address' = '" + address + "' is not a member address such as pekko://tickcast@10.0.0.5:25520 (URL-encoded)",
              instance));
    }
    return onSuccess(
        cluster.changeMembership(address, change),
        member ->
            member
                .<Route>map(
                    m ->
                        complete(
                            StatusCodes.ACCEPTED,
                            Map.of("member", m, "requested", change.name().toLowerCase(Locale.ROOT), "by", who.owner()),
                            Jackson.marshaller(Json.MAPPER)))
                .orElseGet(
                    () -> problem(Problem.of("unknown-member", "Unknown member", 404, "no cluster member has the address " + address, instance))));
  }

  private Route problem(Problem problem) {
    return complete(ApiRoutes.problemResponse(problem));
  }
}
