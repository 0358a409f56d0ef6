package io.tickcast.http.security;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers lookups for {@code ttl}, so a busy key costs one store read per TTL per node instead of
 * one per request. The TTL is also how long a revoked key keeps working on a node that has it
 * cached: revocation takes effect within one TTL ({@code tickcast.security.cache-ttl}).
 *
 * <p>Unknown keys are remembered as well, so a client retrying a bad key does not reach the store
 * on every request. At most {@code maxEntries} are kept: when full, expired entries go first, then
 * arbitrary ones. Concurrent lookups of one hash share a single store read; failed reads are not
 * remembered.
 */
public final class CachingApiKeyStore implements ApiKeyStore {

  private record Entry(CompletableFuture<Optional<Principal>> value, long loadedAt) {}

  private final ApiKeyStore store;
  private final long ttlNanos;
  private final int maxEntries;
  private final LongSupplier nanoClock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** {@code nanoClock}: {@code System::nanoTime} in production, a settable clock in tests. */
  public CachingApiKeyStore(ApiKeyStore store, Duration ttl, int maxEntries, LongSupplier nanoClock) {
    if (ttl.isNegative() || maxEntries < 1) {
      throw new IllegalArgumentException("cache-ttl must be >= 0 and cache-max-entries >= 1");
    }
    this.store = store;
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
    this.nanoClock = nanoClock;
  }

  @Override
  public CompletionStage<Optional<Principal>> lookup(String keyHash) {
    long now = nanoClock.getAsLong();
    Entry cached = entries.get(keyHash);
    if (cached != null && fresh(cached, now)) {
      return cached.value;
    }
    Entry mine = new Entry(new CompletableFuture<>(), now);
    Entry winner = entries.compute(keyHash, (hash, old) -> old != null && fresh(old, now) ? old : mine);
    if (winner != mine) {
      return winner.value;
    }
    makeRoom(now, keyHash);
    store
        .lookup(keyHash)
        .whenComplete(
            (principal, failure) -> {
              if (failure != null) {
                entries.remove(keyHash, mine);
                mine.value.completeExceptionally(failure);
              } else {
                mine.value.complete(principal);
              }
            });
    return mine.value;
  }

  int size() {
    return entries.size();
  }

  private boolean fresh(Entry entry, long now) {
    return now - entry.loadedAt < ttlNanos;
  }

  private void makeRoom(long now, String keep) {
    if (entries.size() <= maxEntries) {
      return;
    }
    entries.values().removeIf(entry -> !fresh(entry, now));
    Iterator<String> hashes = entries.keySet().iterator();
    while (entries.size() > maxEntries && hashes.hasNext()) {
      if (!hashes.next().equals(keep)) {
        hashes.remove();
      }
    }
  }
}
