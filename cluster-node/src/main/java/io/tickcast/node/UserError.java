package io.tickcast.node;

/** A mistake the user can fix (a missing file, a bad option): reported as one line, exit code 2. */
public final class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }
}
