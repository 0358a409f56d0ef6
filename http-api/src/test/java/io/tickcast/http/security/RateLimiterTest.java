package io.tickcast.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  /** Starts far from zero and negative, as System.nanoTime may. */
  private final AtomicLong clock = new AtomicLong(-5_000_000_000L);

  private final RateLimiter limiter =
      new RateLimiter(
          Map.of(
              Role.VIEWER, new RateLimiter.Limit(2, 3),
              Role.TRADER, new RateLimiter.Limit(10, 5),
              Role.ADMIN, new RateLimiter.Limit(0.1, 1)),
          clock::get);

  private static final Principal VIEWER = new Principal("v1", "viewer", Role.VIEWER);

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void aFullBucketAllowsTheBurstThenRefusesWithTheWait() {
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire(VIEWER)).as("request %d", i).isEmpty();
    }
    // 2 per second: the next token is 500 ms away, rounded up to whole seconds.
    assertThat(limiter.acquire(VIEWER)).hasValue(1);
  }

  @Test
  void tokensComeBackAtTheConfiguredRate() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire(VIEWER);
    }
    advance(Duration.ofMillis(499));
    assertThat(limiter.acquire(VIEWER)).isPresent();
    advance(Duration.ofMillis(1));
    assertThat(limiter.acquire(VIEWER)).isEmpty();
    assertThat(limiter.acquire(VIEWER)).isPresent();

    // Idle for long: the bucket is full again, but never holds more than the burst.
    advance(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire(VIEWER)).isEmpty();
    }
    assertThat(limiter.acquire(VIEWER)).isPresent();
  }

  @Test
  void refusedRequestsTakeNoToken() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire(VIEWER);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.acquire(VIEWER)).isPresent();
    }
    advance(Duration.ofMillis(500));
    assertThat(limiter.acquire(VIEWER)).isEmpty();
  }

  @Test
  void retryAfterIsTheWholeSecondsUntilTheNextToken() {
    Principal admin = new Principal("a1", "admin", Role.ADMIN);
    assertThat(limiter.acquire(admin)).isEmpty();
    assertThat(limiter.acquire(admin)).hasValue(10);
    advance(Duration.ofMillis(8_500));
    assertThat(limiter.acquire(admin)).hasValue(2);
    advance(Duration.ofMillis(1_500));
    assertThat(limiter.acquire(admin)).isEmpty();
  }

  @Test
  void eachKeyHasItsOwnBucketSizedByItsRole() {
    Principal other = new Principal("v2", "other", Role.VIEWER);
    Principal trader = new Principal("t1", "trader", Role.TRADER);
    for (int i = 0; i < 3; i++) {
      limiter.acquire(VIEWER);
    }
    assertThat(limiter.acquire(VIEWER)).isPresent();
    assertThat(limiter.acquire(other)).isEmpty();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.acquire(trader)).isEmpty();
    }
    assertThat(limiter.acquire(trader)).isPresent();
  }

  @Test
  void concurrentCallersNeverGetMoreThanTheBurst() throws Exception {
    RateLimiter big =
        new RateLimiter(
            Map.of(
                Role.VIEWER, new RateLimiter.Limit(1, 1000),
                Role.TRADER, new RateLimiter.Limit(1, 1),
                Role.ADMIN, new RateLimiter.Limit(1, 1)),
            clock::get);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> granted = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      granted.add(
          pool.submit(
              () -> {
                start.await();
                int n = 0;
                for (int i = 0; i < 500; i++) {
                  OptionalLong wait = big.acquire(VIEWER);
                  n += wait.isEmpty() ? 1 : 0;
                }
                return n;
              }));
    }
    start.countDown();
    int total = 0;
    for (Future<Integer> f : granted) {
      total += f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(total).isEqualTo(1000);
  }

  @Test
  void everyRoleNeedsALimit() {
    assertThatThrownBy(() -> new RateLimiter(Map.of(Role.VIEWER, new RateLimiter.Limit(1, 1)), clock::get))
        .hasMessageContaining("trader");
    assertThatThrownBy(() -> new RateLimiter.Limit(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter.Limit(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
