package io.tickcast.protocols;

import java.time.Instant;
import java.util.Map;

/**
 * What the outside world sees of one ticker: the latest bar and the indicator values computed
 * after it. The same record answers HTTP queries and travels as the payload of stream updates.
 *
 * @param sequenceNr the entity's event sequence number this view reflects; increases with every
 *     applied bar, so clients can order and de-duplicate updates
 * @param indicators indicator name to value, in a stable order; {@code null} while an indicator's
 *     window is not yet full ("not ready"), never a misleading number
 * @param barCount bars applied since the ticker was first seen
 */
public record TickerView(
    String ticker,
    long sequenceNr,
    Bar bar,
    Map<String, Double> indicators,
    long barCount,
    Instant updatedAt)
    implements CborSerializable {}
