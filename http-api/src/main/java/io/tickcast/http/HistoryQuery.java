package io.tickcast.http;

import java.time.Instant;

/**
 * Which part of a ticker's history to read: bars starting in {@code [from, until)}, newest first,
 * at most {@code limit} of them. Instants are compared at millisecond precision, as stored.
 */
public record HistoryQuery(Instant from, Instant until, int limit) {}
