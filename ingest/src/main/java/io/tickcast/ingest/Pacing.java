package io.tickcast.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * How fast a replay reproduces event time: {@code speed} event seconds per wall-clock second
 * (1 = real time, 10 = ten times faster, infinite = as fast as the sink takes events). Gaps
 * between consecutive events longer than {@code maxGap} shrink to {@code maxGap}, so a real-time
 * replay over several days need not sit through the nights.
 */
public record Pacing(double speed, Duration maxGap) {

  /** Every event-time gap kept as it is. */
  public static final Duration NO_GAP_LIMIT = Duration.ofNanos(Long.MAX_VALUE);
  public static final Pacing UNPACED = new Pacing(Double.POSITIVE_INFINITY, NO_GAP_LIMIT);
  public static final Pacing REAL_TIME = new Pacing(1, NO_GAP_LIMIT);

  public Pacing {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("speed must be positive, got " + speed);
    }
    if (maxGap.isNegative()) {
      throw new IllegalArgumentException("maxGap must not be negative, got " + maxGap);
    }
  }

  /** {@code speed} times real time. */
  public static Pacing times(double speed) {
    return new Pacing(speed, NO_GAP_LIMIT);
  }

  /** {@code max} (unpaced), {@code real} (1x) or {@code <N>x}, e.g. {@code 60x} or {@code 0.5x}. */
  public static Pacing parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("max")) {
      return UNPACED;
    }
    if (s.equals("real")) {
      return REAL_TIME;
    }
    try {
      if (s.endsWith("x")) {
        return times(Double.parseDouble(s.substring(0, s.length() - 1)));
      }
    } catch (IllegalArgumentException e) {
      // falls through to the message that lists the accepted forms
    }
    throw new IllegalArgumentException("pacing must be max, real or <N>x (e.g. 60x), got '" + text + "'");
  }

  public Pacing withMaxGap(Duration maxGap) {
    return new Pacing(speed, maxGap);
  }

  public boolean paced() {
    return speed != Double.POSITIVE_INFINITY;
  }

  /**
   * Holds each element until its due time: the first passes at once and fixes the start; later
   * ones are due at start + {@link Schedule#dueNanos}. Due times are absolute, so the scheduler's
   * tick (about 10 ms) delays single events but never accumulates, and after a slow sink the
   * stream catches up.
   */
  public <T> Flow<T, T, NotUsed> flow(Function<T, Instant> timeOf) {
    return paced() ? Flow.fromGraph(new PaceStage<>(this, timeOf)) : Flow.create();
  }

  public Schedule schedule() {
    return new Schedule(this);
  }

  /** The wall-clock offsets at which a sequence of events is due; one instance per stream run. */
  public static final class Schedule {

    private final double speed;
    private final long maxGapNanos;
    private long last = Long.MIN_VALUE;
    private long eventNanos;

    private Schedule(Pacing pacing) {
      this.speed = pacing.speed();
      this.maxGapNanos = pacing.maxGap().toNanos();
    }

    /**
     * Nanoseconds after the first event's emission at which the event at {@code time} is due:
     * the event time elapsed since the first event, each gap capped at {@code maxGap}, divided by
     * the speed. An event earlier than its predecessor is due at once (no wait, no time travel).
     */
    public long dueNanos(Instant time) {
      long now = time.getEpochSecond() * 1_000_000_000L + time.getNano();
      if (last != Long.MIN_VALUE && now > last) {
        eventNanos += Math.min(now - last, maxGapNanos);
      }
      last = Math.max(last, now);
      return (long) (eventNanos / speed);
    }
  }
}
