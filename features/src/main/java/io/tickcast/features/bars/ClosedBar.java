package io.tickcast.features.bars;

import io.tickcast.protocols.Bar;
import io.tickcast.protocols.CborSerializable;

/**
 * A finished bar with what {@link Bar} cannot carry: the volume-weighted average price of the
 * trades that set its prices, the number of trades it holds, and the sequence numbers of its first
 * and last trade (in arrival order), so the owner knows which source records it covers.
 */
public record ClosedBar(Bar bar, double vwap, int tradeCount, long firstSequence, long lastSequence)
    implements CborSerializable {}
