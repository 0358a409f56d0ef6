package io.tickcast.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachingApiKeyStoreTest {

  private static final Principal ALICE = new Principal("k1", "alice", Role.TRADER);

  /** A store whose answers the test sets, counting reads; a pending future holds a read open. */
  private static final class FakeStore implements ApiKeyStore {
    final Map<String, Principal> keys = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();
    volatile CompletableFuture<Optional<Principal>> next;

    @Override
    public CompletionStage<Optional<Principal>> lookup(String keyHash) {
      reads.incrementAndGet();
      CompletableFuture<Optional<Principal>> pending = next;
      return pending != null ? pending : CompletableFuture.completedFuture(Optional.ofNullable(keys.get(keyHash)));
    }
  }

  private final FakeStore store = new FakeStore();
  private final AtomicLong clock = new AtomicLong();
  private final CachingApiKeyStore cache = new CachingApiKeyStore(store, Duration.ofSeconds(30), 3, clock::get);

  private Optional<Principal> lookup(String hash) {
    return cache.lookup(hash).toCompletableFuture().join();
  }

  @Test
  void aRevokedKeyWorksUntilTheTtlHasPassed() {
    store.keys.put("h1", ALICE);
    assertThat(lookup("h1")).contains(ALICE);
    store.keys.remove("h1");
    clock.addAndGet(Duration.ofSeconds(29).toNanos());
    assertThat(lookup("h1")).contains(ALICE);
    clock.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(lookup("h1")).isEmpty();
    assertThat(store.reads).hasValue(2);
  }

  @Test
  void unknownKeysAreRememberedToo() {
    assertThat(lookup("nope")).isEmpty();
    assertThat(lookup("nope")).isEmpty();
    assertThat(store.reads).hasValue(1);
  }

  @Test
  void failedReadsAreNotRemembered() {
    store.next = CompletableFuture.failedFuture(new IllegalStateException("store down"));
    assertThat(cache.lookup("h1").toCompletableFuture()).isCompletedExceptionally();
    store.next = null;
    store.keys.put("h1", ALICE);
    assertThat(lookup("h1")).contains(ALICE);
    assertThat(store.reads).hasValue(2);
  }

  @Test
  void concurrentLookupsOfOneKeyShareOneRead() {
    CompletableFuture<Optional<Principal>> pending = new CompletableFuture<>();
    store.next = pending;
    CompletableFuture<Optional<Principal>> first = cache.lookup("h1").toCompletableFuture();
    CompletableFuture<Optional<Principal>> second = cache.lookup("h1").toCompletableFuture();
    assertThat(first).isNotDone();
    pending.complete(Optional.of(ALICE));
    assertThat(first.join()).contains(ALICE);
    assertThat(second.join()).contains(ALICE);
    assertThat(store.reads).hasValue(1);
  }

  @Test
  void staysWithinItsBound() {
    for (int i = 0; i < 10; i++) {
      lookup("h" + i);
      assertThat(cache.size()).isLessThanOrEqualTo(3);
    }
    // The newest entry survives eviction.
    lookup("h9");
    assertThat(store.reads).hasValue(10);
  }
}
