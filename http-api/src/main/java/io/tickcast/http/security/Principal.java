package io.tickcast.http.security;

import java.util.Objects;

/** Who is calling: the API key that authenticated the request, its owner and its role. */
public record Principal(String keyId, String owner, Role role) {

  /**
   * Stands in for every caller while security is switched off, so audit entries still say that
   * nobody was authenticated.
   */
  public static final Principal SECURITY_DISABLED = new Principal("-", "security-disabled", Role.ADMIN);

  public Principal {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(role, "role");
  }

  public boolean can(Role required) {
    return role.includes(required);
  }
}
