package io.tickcast.http;

import io.tickcast.http.security.AuditEntry;
import io.tickcast.http.security.Principal;
import io.tickcast.http.security.RateLimiter;
import io.tickcast.http.security.Role;
import io.tickcast.http.security.Security;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;

/** The security of the route tests: keys from a map, limits no test reaches, audit into a list. */
final class TestSecurity {

  private static final RateLimiter.Limit GENEROUS = new RateLimiter.Limit(1000, 1000);

  private TestSecurity() {}

  /** Audit entries are dropped. */
  static Security of(Map<String, Principal> principals) {
    return of(principals, new ArrayList<>());
  }

  /**
   * @param principals by {@code ApiKeys.hash} of their secret
   * @param audit receives every audit entry
   */
  static Security of(Map<String, Principal> principals, Collection<AuditEntry> audit) {
    return new Security(
        hash -> CompletableFuture.completedFuture(Optional.ofNullable(principals.get(hash))),
        new RateLimiter(Map.of(Role.VIEWER, GENEROUS, Role.TRADER, GENEROUS, Role.ADMIN, GENEROUS), System::nanoTime),
        entry -> {
          audit.add(entry);
          return CompletableFuture.completedFuture(Done.done());
        },
        true,
        Clock.systemUTC());
  }
}
