package io.tickcast.protocols;

import java.time.Instant;

/**
 * One trade print as the exchange reported it.
 *
 * @param time exchange (event) time of the trade
 * @param sequence the source's sequence number for this ticker's prints, increasing; used to
 *     spot duplicates independently of Kafka offsets
 * @param exchange the reporting exchange's code as the source gives it (may be empty)
 * @param condition the sale-condition code as the source gives it (may be empty)
 */
public record Trade(
    String ticker, Instant time, double price, long size, long sequence, String exchange, String condition)
    implements MarketEvent {}
