package io.tickcast.protocols;

import java.util.Map;

/**
 * What the ingest consumer did with the records it read since the node started.
 *
 * @param applied records that changed a ticker's durable state
 * @param duplicates records already covered by the state (redeliveries, replays)
 * @param rejected records refused, by rule (malformed JSON, negative price, ...): logged, counted
 *     and skipped so the stream goes on
 */
public record IngestCounts(long applied, long duplicates, Map<String, Long> rejected) {}
