package io.tickcast.http.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an API key may do. Hierarchical: each role includes those declared before it, so an admin
 * key can do anything a trader or viewer key can.
 */
public enum Role {
  /** Read ticker state and subscribe to the stream. */
  VIEWER,
  /** Viewer, plus managing watches. */
  TRADER,
  /** Trader, plus cluster, model and key administration. */
  ADMIN;

  public boolean includes(Role required) {
    return compareTo(required) >= 0;
  }

  /** The lower-case name used in configuration, the CLI and the key table. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String id) {
    for (Role role : values()) {
      if (role.id().equals(id.strip().toLowerCase(Locale.ROOT))) {
        return role;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + id + "'; expected one of " + Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", ")));
  }
}
