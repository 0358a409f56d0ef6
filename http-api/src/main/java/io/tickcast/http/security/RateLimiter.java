package io.tickcast.http.security;

import com.typesafe.config.Config;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket per API key, sized by the key's role: {@code burst} requests at once, refilled at
 * {@code perSecond}. Lock-free: each bucket is one {@link AtomicLong} holding the time at which it
 * will be full again (GCRA's "theoretical arrival time": a token bucket stored as one timestamp,
 * the tokens being what that time lies in the past), updated by compare-and-set.
 *
 * <p>Only authenticated keys reach the limiter, so there is one bucket per live key, not one per
 * client address or made-up token.
 */
public final class RateLimiter {

  /** Sustained rate and bucket size of one role. */
  public record Limit(double perSecond, int burst) {
    public Limit {
      if (!(perSecond > 0) || burst < 1) {
        throw new IllegalArgumentException("a rate limit needs per-second > 0 and burst >= 1, not " + perSecond + "/" + burst);
      }
    }

    long intervalNanos() {
      return Math.max(1, Math.round(TimeUnit.SECONDS.toNanos(1) / perSecond));
    }
  }

  private final Map<Role, Limit> limits;
  private final LongSupplier nanoClock;
  private final Map<String, AtomicLong> buckets = new ConcurrentHashMap<>();

  /** {@code nanoClock}: {@code System::nanoTime} in production, a settable clock in tests. */
  public RateLimiter(Map<Role, Limit> limits, LongSupplier nanoClock) {
    for (Role role : Role.values()) {
      if (!limits.containsKey(role)) {
        throw new IllegalArgumentException("no rate limit for role " + role.id());
      }
    }
    this.limits = new EnumMap<>(limits);
    this.nanoClock = nanoClock;
  }

  /** From {@code tickcast.security.rate-limits}: {@code <role> { per-second, burst }} per role. */
  public static RateLimiter fromConfig(Config rateLimits, LongSupplier nanoClock) {
    Map<Role, Limit> limits = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      Config limit = rateLimits.getConfig(role.id());
      limits.put(role, new Limit(limit.getDouble("per-second"), limit.getInt("burst")));
    }
    return new RateLimiter(limits, nanoClock);
  }

  /**
   * Takes a token from the key's bucket. Empty when there was one; otherwise the whole seconds
   * until there will be (at least 1), for {@code Retry-After}.
   */
  public OptionalLong acquire(Principal who) {
    Limit limit = limits.get(who.role());
    long interval = limit.intervalNanos();
    long tolerance = interval * (limit.burst() - 1);
    long now = nanoClock.getAsLong();
    AtomicLong bucket = buckets.computeIfAbsent(who.keyId(), key -> new AtomicLong(now));
    while (true) {
      long tat = bucket.get();
      // Differences, not comparisons: nanoTime values may be negative or wrap.
      long start = tat - now > 0 ? tat : now;
      long wait = start - tolerance - now;
      if (wait > 0) {
        return OptionalLong.of(Math.max(1, (wait + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1)));
      }
      if (bucket.compareAndSet(tat, start + interval)) {
        return OptionalLong.empty();
      }
    }
  }
}
