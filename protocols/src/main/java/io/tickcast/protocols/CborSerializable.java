package io.tickcast.protocols;

/**
 * Marker for everything that crosses a node boundary or goes into the journal: bound to Jackson
 * CBOR in {@code serialization.conf}, so no message can silently fall back to Java serialization.
 */
public interface CborSerializable {}
