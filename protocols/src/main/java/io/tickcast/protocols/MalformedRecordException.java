package io.tickcast.protocols;

/** A record that cannot be read as a market event; the message is the reason, fit to log. */
public final class MalformedRecordException extends Exception {
  public MalformedRecordException(String reason) {
    super(reason);
  }
}
