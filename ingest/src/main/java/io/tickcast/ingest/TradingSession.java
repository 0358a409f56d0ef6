package io.tickcast.ingest;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

/** Which part of a trading day a tick replay keeps, in New York time. */
public enum TradingSession {
  /** Every print of the day: pre-market, regular session and after hours (the files hold 04:00-20:00 ET). */
  EXTENDED(LocalTime.MIN, null),
  /** The regular session, 09:30 (inclusive) to 16:00 (exclusive) ET. */
  REGULAR(LocalTime.of(9, 30), LocalTime.of(16, 0));

  public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private final LocalTime open;
  /** {@code null}: the midnight that ends the day. */
  private final LocalTime close;

  TradingSession(LocalTime open, LocalTime close) {
    this.open = open;
    this.close = close;
  }

  /** Epoch millisecond at which the session opens on {@code date} (inclusive). */
  long openMillis(LocalDate date) {
    return date.atTime(open).atZone(NEW_YORK).toInstant().toEpochMilli();
  }

  /** Epoch millisecond at which the session closes on {@code date} (exclusive). */
  long closeMillis(LocalDate date) {
    return close == null
        ? date.plusDays(1).atStartOfDay(NEW_YORK).toInstant().toEpochMilli()
        : date.atTime(close).atZone(NEW_YORK).toInstant().toEpochMilli();
  }
}
