package io.tickcast.features.validation;

import io.tickcast.features.indicators.RollingWindow;
import io.tickcast.protocols.CborSerializable;
import io.tickcast.protocols.Tickers;
import io.tickcast.protocols.Trade;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The checks one ticker's trades must pass before they reach its bars, including those that need
 * the ticker's history. Rules, in the order they are checked (the first one broken is reported):
 *
 * <ul>
 *   <li>{@code schema}: a null ticker, time, exchange or condition.
 *   <li>{@code ticker-format}: not an exchange symbol ({@link Tickers#isValid}).
 *   <li>{@code price-not-positive}: price zero, negative, NaN or infinite.
 *   <li>{@code size-not-positive}: size zero or negative.
 *   <li>{@code duplicate-sequence}: sequence not above the last accepted one (a redelivery).
 *   <li>{@code time-backwards}: time more than {@code allowedLateness} before the latest accepted
 *       trade's time.
 *   <li>{@code stale-feed}: time more than {@code maxStaleness} behind the clock passed in.
 *   <li>{@code price-spike}: |ln(price / last accepted price)| above {@code spikeK} × max(σ,
 *       {@code spikeFloor}), σ the sample standard deviation of the last {@code spikeWindow}
 *       trade-to-trade log returns of accepted trades; only once that many returns exist. The
 *       floor keeps a series of equal prints (σ = 0) from rejecting the first tick that moves.
 * </ul>
 *
 * <p><b>Genuine jumps.</b> A bad print is alone; a new price level (an opening gap, a reopening
 * after a halt, news) is followed by more trades at that level. So the spike rule re-anchors on
 * the new level instead of refusing every later trade: a trade more than {@code spikeResetGap}
 * after the last accepted one is not checked against it (the move of a quiet spell is not a
 * trade-to-trade move), and the {@code spikeConfirmations}-th trade in a row that the rule
 * refuses passes when all of them lie within the limit of the first one; the ones before it stay
 * quarantined. Neither jump enters σ.
 *
 * <p>{@link #check} changes the state only by counting such a run of refused spikes; {@link
 * #accept} records a trade that passed. The clock for {@code stale-feed} is the caller's: the feed
 * watermark gives the same verdicts on every replay (a ticker whose prints trail the rest of the
 * feed is stale), processing time catches a lagging feed as it happens.
 *
 * <p>{@link #check} allocates only when it reports a violation. Not thread-safe.
 */
public final class TradeGuard {
  private final Config config;
  private final RollingWindow returns;
  // The last ticker found valid: a guard sees one ticker, and the regex allocates a matcher.
  private String validTicker;
  private boolean hasLast;
  private long lastTime;
  private long lastSequence;
  private double lastPrice;
  // The current run of consecutive spikes: the first one's price and how many so far.
  private double runPrice;
  private int runLength;

  public TradeGuard(Config config) {
    this(config, new RollingWindow(config.spikeWindow()));
  }

  private TradeGuard(Config config, RollingWindow returns) {
    this.config = config;
    this.returns = returns;
  }

  /** The guard as it was, with the settings it had. */
  public static TradeGuard fromMemento(Memento m) {
    // Mementos written before the re-anchoring rules existed have 0 for them: the standard values.
    Config standard = Config.standard();
    return fromMemento(
        m,
        new Config(
            Duration.ofMillis(m.allowedLatenessMillis()),
            Duration.ofMillis(m.maxStalenessMillis()),
            m.spikeWindow(),
            m.spikeK(),
            m.spikeFloor(),
            m.spikeConfirmations() == 0 ? standard.spikeResetGap() : Duration.ofMillis(m.spikeResetGapMillis()),
            m.spikeConfirmations() == 0 ? standard.spikeConfirmations() : m.spikeConfirmations()));
  }

  /**
   * The guard's state from {@code m} under the settings {@code config} (an entity recovering after
   * its settings changed); σ starts afresh when the window's size changed.
   */
  public static TradeGuard fromMemento(Memento m, Config config) {
    TradeGuard g =
        new TradeGuard(
            config,
            m.spikeWindow() == config.spikeWindow()
                ? RollingWindow.fromState(m.returns())
                : new RollingWindow(config.spikeWindow()));
    g.hasLast = m.hasLast();
    g.lastTime = m.lastTimeMillis();
    g.lastSequence = m.lastSequence();
    g.lastPrice = m.lastPrice();
    g.runPrice = m.runPrice();
    g.runLength = m.runLength();
    return g;
  }

  /** The first rule {@code t} breaks, given the feed {@code clock}; empty when it may be accepted. */
  public Optional<Violation> check(Trade t, Instant clock) {
    if (t.ticker() == null || t.time() == null || t.exchange() == null || t.condition() == null) {
      return violation("schema", "null field in " + t);
    }
    if (!t.ticker().equals(validTicker)) {
      if (!Tickers.isValid(t.ticker())) {
        return violation("ticker-format", "'" + t.ticker() + "' is not an exchange symbol");
      }
      validTicker = t.ticker();
    }
    double price = t.price();
    if (!(price > 0 && price < Double.POSITIVE_INFINITY)) {
      return violation("price-not-positive", "price " + price + " in " + describe(t));
    }
    if (t.size() <= 0) {
      return violation("size-not-positive", "size " + t.size() + " in " + describe(t));
    }
    long time = t.time().toEpochMilli();
    if (hasLast && t.sequence() <= lastSequence) {
      return violation(
          "duplicate-sequence", describe(t) + " is not after the last accepted #" + lastSequence);
    }
    if (hasLast && time < lastTime - config.allowedLateness().toMillis()) {
      return violation(
          "time-backwards",
          describe(t) + " is more than " + config.allowedLateness() + " before the last accepted "
              + Instant.ofEpochMilli(lastTime));
    }
    if (clock.toEpochMilli() - time > config.maxStaleness().toMillis()) {
      return violation(
          "stale-feed", describe(t) + " is more than " + config.maxStaleness() + " behind " + clock);
    }
    if (hasLast && returns.isFull() && !afterQuietSpell(time)) {
      double move = Math.abs(logReturn(price, lastPrice));
      double limit = config.spikeK() * Math.max(volatility(), config.spikeFloor());
      if (move > limit) {
        if (runLength > 0 && Math.abs(logReturn(price, runPrice)) <= limit) {
          runLength++;
        } else {
          runPrice = price;
          runLength = 1;
        }
        if (runLength < config.spikeConfirmations()) {
          return violation(
              "price-spike",
              describe(t) + " at " + price + " moved " + move + " (log) from " + lastPrice
                  + ", limit " + limit + " (" + runLength + " of " + config.spikeConfirmations()
                  + " trades in a row at this level re-anchor)");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * ln(price / from), without calling the logarithm for a trade at the previous price (ln 1 is
   * exactly 0): most prints of a liquid ticker repeat the last price, and this runs for each.
   */
  private static double logReturn(double price, double from) {
    return price == from ? 0.0 : Math.log(price / from);
  }

  private boolean afterQuietSpell(long time) {
    return time - lastTime > config.spikeResetGap().toMillis();
  }

  /**
   * Records {@code t} as accepted: the reference for the next checks. A trade that re-anchors
   * (after a quiet spell, or confirming a new level) does not enter σ.
   */
  public void accept(Trade t) {
    long time = t.time().toEpochMilli();
    if (hasLast) {
      if (runLength < config.spikeConfirmations() && !afterQuietSpell(time)) {
        returns.push(logReturn(t.price(), lastPrice));
      }
      lastTime = Math.max(lastTime, time);
      lastSequence = Math.max(lastSequence, t.sequence());
    } else {
      lastTime = time;
      lastSequence = t.sequence();
    }
    lastPrice = t.price();
    hasLast = true;
    runLength = 0;
  }

  /** {@link #check}, then {@link #accept} when it passed. */
  public Optional<Violation> admit(Trade t, Instant clock) {
    Optional<Violation> v = check(t, clock);
    if (v.isEmpty()) {
      accept(t);
    }
    return v;
  }

  /** σ of the trade-to-trade log returns in the window (NaN before two of them). */
  public double volatility() {
    return Math.sqrt(returns.m2() / (returns.count() - 1));
  }

  public Config config() {
    return config;
  }

  public Memento memento() {
    return new Memento(
        config.allowedLateness().toMillis(),
        config.maxStaleness().toMillis(),
        config.spikeWindow(),
        config.spikeK(),
        config.spikeFloor(),
        config.spikeResetGap().toMillis(),
        config.spikeConfirmations(),
        hasLast,
        lastTime,
        lastSequence,
        lastPrice,
        returns.state(),
        runPrice,
        runLength);
  }

  private static Optional<Violation> violation(String rule, String detail) {
    return Optional.of(new Violation(rule, detail));
  }

  private static String describe(Trade t) {
    return t.ticker() + " #" + t.sequence() + " at " + t.time();
  }

  /**
   * @param allowedLateness how far a trade may be older than the latest accepted one
   * @param maxStaleness how far a trade may be behind the clock passed to {@link #check}
   * @param spikeWindow number of trade-to-trade returns in σ (at least 2)
   * @param spikeK allowed move in units of σ
   * @param spikeFloor lower bound of σ, as a log return
   * @param spikeResetGap a trade this long after the last accepted one is not checked for a spike
   * @param spikeConfirmations this many spikes in a row at one level re-anchor on it (at least 2)
   */
  public record Config(
      Duration allowedLateness,
      Duration maxStaleness,
      int spikeWindow,
      double spikeK,
      double spikeFloor,
      Duration spikeResetGap,
      int spikeConfirmations) {
    public Config {
      if (allowedLateness.isNegative() || maxStaleness.isNegative() || spikeResetGap.isNegative()) {
        throw new IllegalArgumentException("negative lateness, staleness or spike reset gap");
      }
      if (spikeConfirmations < 2) {
        throw new IllegalArgumentException("spike confirmations must be >= 2: " + spikeConfirmations);
      }
      if (spikeWindow < 2 || !(spikeK > 0) || !(spikeFloor > 0)) {
        throw new IllegalArgumentException(
            "spike window must be >= 2, k and floor positive: "
                + spikeWindow + ", " + spikeK + ", " + spikeFloor);
      }
    }

    /** The settings features/README.md justifies on the real intraday data. */
    public static Config standard() {
      return new Config(Duration.ofSeconds(5), Duration.ofSeconds(60), 100, 10.0, 0.0005, Duration.ofMinutes(10), 5);
    }
  }

  /** The configuration and state, for snapshots; times are epoch milliseconds. */
  public record Memento(
      long allowedLatenessMillis,
      long maxStalenessMillis,
      int spikeWindow,
      double spikeK,
      double spikeFloor,
      long spikeResetGapMillis,
      int spikeConfirmations,
      boolean hasLast,
      long lastTimeMillis,
      long lastSequence,
      double lastPrice,
      RollingWindow.State returns,
      double runPrice,
      int runLength)
      implements CborSerializable {}
}
