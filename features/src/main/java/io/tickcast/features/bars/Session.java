package io.tickcast.features.bars;

import java.time.LocalTime;

/** The hours of a US equity trading day (New York time) whose trades make bars; end exclusive. */
public enum Session {
  /** 09:30-16:00: the primary markets' continuous session. */
  REGULAR(LocalTime.of(9, 30), LocalTime.of(16, 0)),
  /** 04:00-20:00: pre-market, regular session and after-hours. */
  EXTENDED(LocalTime.of(4, 0), LocalTime.of(20, 0));

  private final LocalTime open;
  private final LocalTime close;

  Session(LocalTime open, LocalTime close) {
    this.open = open;
    this.close = close;
  }

  public LocalTime open() {
    return open;
  }

  public LocalTime close() {
    return close;
  }
}
