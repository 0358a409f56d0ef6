package io.tickcast.features.bars;

import io.tickcast.protocols.Bar;

/**
 * The bar still being built, as it stands: same fields as {@link ClosedBar}, but its prices,
 * volume and sequence range may still grow. {@code firstSequence} is the oldest trade whose effect
 * is only in memory until the bar closes (or a snapshot is taken).
 */
public record OpenBar(Bar bar, double vwap, int tradeCount, long firstSequence, long lastSequence) {}
