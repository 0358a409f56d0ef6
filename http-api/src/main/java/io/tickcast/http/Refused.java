package io.tickcast.http;

import java.util.Optional;

/**
 * A request a service refused for a reason the caller can act on: {@code code} becomes the problem
 * type, {@code status} the HTTP status, the message its detail.
 */
public final class Refused extends RuntimeException {
  private final String code;
  private final int status;

  public Refused(String code, int status, String message) {
    super(message);
    this.code = code;
    this.status = status;
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  /** The refusal behind {@code failure}, e.g. under the CompletionException of a stage. */
  public static Optional<Refused> in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof Refused refused) {
        return Optional.of(refused);
      }
    }
    return Optional.empty();
  }
}
