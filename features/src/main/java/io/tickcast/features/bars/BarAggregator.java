package io.tickcast.features.bars;

import io.tickcast.features.validation.Violation;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.CborSerializable;
import io.tickcast.protocols.Tickers;
import io.tickcast.protocols.Trade;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Builds one ticker's OHLCV bars from its trades, on event time ({@link Trade#time()}).
 *
 * <p><b>Buckets.</b> Intraday intervals (any whole number of milliseconds that divides a day: 1 s,
 * 1 min, 5 min ...) are aligned to the New York clock, so a 1-minute bar is 09:30:00-09:31:00 ET.
 * A 1-day interval is the session day; its bar is stamped at 00:00Z of the trading date, as the
 * daily bars of the data sets are. Trades outside the {@link Session} are rejected
 * ({@code outside-session}). An interval without a trade that sets a price gives no bar.
 *
 * <p><b>Prices and volume.</b> The {@link SaleConditionFilter} says, per trade, whether it sets the
 * bar's open/high/low/close and whether it adds to its volume. The bar's VWAP is that of the trades
 * that set its prices. A bar is opened only by a trade that sets a price. Trades that only add
 * volume go to the open bar of their interval; when their interval has no bar yet they are held,
 * and end up in the bar their interval opens or, if the interval ends without a priced trade, in
 * the open bar before it, which then stays open past its own end (so quiet intervals add their
 * volume to the last bar with a price, as the AlgoSeek bars do). With no open bar before them they
 * are counted in {@link #unpricedTrades()} and {@link #unpricedVolume()}.
 *
 * <p><b>Closing.</b> A bar closes when a priced trade of a later interval arrives, or when {@link
 * #advanceWatermark} passes its end and no volume is held after it: the watermark is the feed
 * clock carried by the stream, so a quiet ticker's bars still close. A trade is late, and not
 * applied, when it is more than {@code allowedLateness} behind the watermark, belongs to a closed
 * bar, or belongs to an interval older than the latest one seen (other than the open bar's); it
 * comes back as a {@code late} violation and is counted in {@link #lateTrades()}.
 *
 * <p>{@link #onTrade} allocates only when it closes a bar or rejects the trade (and once per new
 * trading day). Not thread-safe: owned by one ticker's entity.
 */
public final class BarAggregator {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final long DAY_MILLIS = 86_400_000L;
  private static final long NONE = Long.MIN_VALUE;

  private final String ticker;
  private final Duration interval;
  private final long intervalMillis;
  private final boolean daily;
  private final Session session;
  private final long allowedLatenessMillis;
  private final SaleConditionFilter conditions;

  private long watermark = NONE;
  private long closedUntil = NONE;
  private long latestStart = NONE;

  private boolean hasOpen;
  private long openStart;
  private long openEnd;
  private double open;
  private double high;
  private double low;
  private double close;
  private long volume;
  private long pricedSize;
  private double pricedNotional;
  private int tradeCount;
  private long firstSequence;
  private long lastSequence;

  private boolean hasPending;
  private long pendingStart;
  private long pendingEnd;
  private long pendingVolume;
  private int pendingCount;
  private long pendingFirstSequence;
  private long pendingLastSequence;

  private long lateTrades;
  private long outsideSessionTrades;
  private long unpricedTrades;
  private long unpricedVolume;

  // The New York trading day of the last trade seen, so that onTrade needs no time-zone
  // arithmetic (which allocates) until the day changes.
  private long dayStart = Long.MAX_VALUE;
  private long dayEnd = Long.MIN_VALUE;
  private long dayEpochDay;
  private long sessionOpen;
  private long sessionClose;
  private long regularOpen;
  private long regularClose;
  private long alignOrigin;

  /**
   * @param interval one day, or a whole number of milliseconds that divides a day
   * @param allowedLateness how far behind the watermark a trade may still be applied
   */
  public BarAggregator(
      String ticker,
      Duration interval,
      Session session,
      Duration allowedLateness,
      SaleConditionFilter conditions) {
    if (!Tickers.isValid(ticker)) {
      throw new IllegalArgumentException("not a ticker: " + ticker);
    }
    long millis = interval.toMillis();
    if (!Duration.ofMillis(millis).equals(interval) || millis <= 0 || DAY_MILLIS % millis != 0) {
      throw new IllegalArgumentException("interval must be whole milliseconds dividing a day: " + interval);
    }
    if (allowedLateness.isNegative()) {
      throw new IllegalArgumentException("negative allowed lateness: " + allowedLateness);
    }
    this.ticker = ticker;
    this.interval = interval;
    this.intervalMillis = millis;
    this.daily = millis == DAY_MILLIS;
    this.session = session;
    this.allowedLatenessMillis = allowedLateness.toMillis();
    this.conditions = conditions;
  }

  public static BarAggregator fromMemento(Memento m) {
    BarAggregator a =
        new BarAggregator(
            m.ticker(),
            Duration.ofMillis(m.intervalMillis()),
            m.session(),
            Duration.ofMillis(m.allowedLatenessMillis()),
            m.conditions());
    a.watermark = m.watermarkMillis();
    a.closedUntil = m.closedUntilMillis();
    a.latestStart = m.latestStartMillis();
    OpenState o = m.open();
    if (o != null) {
      a.hasOpen = true;
      a.openStart = o.startMillis();
      a.openEnd = o.endMillis();
      a.open = o.open();
      a.high = o.high();
      a.low = o.low();
      a.close = o.close();
      a.volume = o.volume();
      a.pricedSize = o.pricedSize();
      a.pricedNotional = o.pricedNotional();
      a.tradeCount = o.tradeCount();
      a.firstSequence = o.firstSequence();
      a.lastSequence = o.lastSequence();
    }
    PendingState p = m.pending();
    if (p != null) {
      a.hasPending = true;
      a.pendingStart = p.startMillis();
      a.pendingEnd = p.endMillis();
      a.pendingVolume = p.volume();
      a.pendingCount = p.tradeCount();
      a.pendingFirstSequence = p.firstSequence();
      a.pendingLastSequence = p.lastSequence();
    }
    a.lateTrades = m.lateTrades();
    a.outsideSessionTrades = m.outsideSessionTrades();
    a.unpricedTrades = m.unpricedTrades();
    a.unpricedVolume = m.unpricedVolume();
    return a;
  }

  /**
   * Applies one trade of this ticker, in arrival order; duplicates must already be gone
   * (TradeGuard).
   *
   * @throws IllegalArgumentException for another ticker's trade, or a price or size that is not
   *     positive: such trades are for TradeGuard to quarantine, never for a bar
   */
  public Outcome onTrade(Trade t) {
    if (!ticker.equals(t.ticker())) {
      throw new IllegalArgumentException("trade of " + t.ticker() + " fed to the bars of " + ticker);
    }
    if (!(t.price() > 0 && t.price() < Double.POSITIVE_INFINITY) || t.size() <= 0) {
      throw new IllegalArgumentException("trade not validated: " + t);
    }
    long time = t.time().toEpochMilli();
    locateDay(time);
    if (time < sessionOpen || time >= sessionClose) {
      outsideSessionTrades++;
      return Outcome.rejected(
          new Violation("outside-session", describe(t) + " is outside the " + session + " session"));
    }
    long start =
        daily
            ? dayEpochDay * DAY_MILLIS
            : alignOrigin + Math.floorDiv(time - alignOrigin, intervalMillis) * intervalMillis;
    String late = lateness(time, start);
    if (late != null) {
      lateTrades++;
      return Outcome.rejected(new Violation("late", describe(t) + " " + late));
    }
    boolean setsPrice = conditions.setsPrice(t.condition(), time >= regularOpen && time < regularClose);
    long size = conditions.addsVolume(t.condition()) ? t.size() : 0;

    ClosedBar closed = null;
    if (hasOpen && start == openStart) {
      add(t, setsPrice, size);
    } else if (hasPending && start == pendingStart) {
      if (setsPrice) {
        if (hasOpen) {
          closed = closeOpen();
        }
        openBar(pendingStart, pendingEnd, t.price());
        volume = pendingVolume;
        tradeCount = pendingCount;
        firstSequence = pendingFirstSequence;
        hasPending = false;
        add(t, true, size);
      } else {
        hold(t, size);
      }
    } else {
      // An interval later than any so far: the held one, if any, ended without a priced trade.
      if (hasPending) {
        resolvePending();
      }
      latestStart = start;
      long end = daily ? sessionClose : start + intervalMillis;
      if (setsPrice) {
        if (hasOpen) {
          closed = closeOpen();
        }
        openBar(start, end, t.price());
        firstSequence = t.sequence();
        add(t, true, size);
      } else {
        hasPending = true;
        pendingStart = start;
        pendingEnd = end;
        pendingVolume = 0;
        pendingCount = 0;
        pendingFirstSequence = t.sequence();
        hold(t, size);
      }
    }
    return closed == null ? Outcome.APPLIED : Outcome.closing(closed);
  }

  /**
   * Moves the feed clock to {@code watermark} (never backwards) and closes the open bar once the
   * clock has passed its end.
   */
  public Optional<ClosedBar> advanceWatermark(Instant watermark) {
    this.watermark = Math.max(this.watermark, watermark.toEpochMilli());
    if (hasPending) {
      if (this.watermark < pendingEnd) {
        // The open bar cannot close before it is known whether the held volume is its own.
        return Optional.empty();
      }
      resolvePending();
    }
    return hasOpen && this.watermark >= openEnd ? Optional.of(closeOpen()) : Optional.empty();
  }

  /** The bar being built, without the volume held for a later interval. */
  public Optional<OpenBar> openBar() {
    if (!hasOpen) {
      return Optional.empty();
    }
    return Optional.of(new OpenBar(bar(), vwap(), tradeCount, firstSequence, lastSequence));
  }

  /**
   * The sequence number of the oldest applied trade that is in no closed bar yet (in the open bar
   * or held for a later interval): everything from it on exists only in this object's state.
   */
  public OptionalLong firstUnclosedSequence() {
    if (hasOpen) {
      return OptionalLong.of(firstSequence);
    }
    return hasPending ? OptionalLong.of(pendingFirstSequence) : OptionalLong.empty();
  }

  public String ticker() {
    return ticker;
  }

  public Duration interval() {
    return interval;
  }

  public long lateTrades() {
    return lateTrades;
  }

  public long outsideSessionTrades() {
    return outsideSessionTrades;
  }

  /** Trades whose interval had no priced trade and no bar before it to take their volume. */
  public long unpricedTrades() {
    return unpricedTrades;
  }

  public long unpricedVolume() {
    return unpricedVolume;
  }

  public Memento memento() {
    return new Memento(
        ticker,
        intervalMillis,
        session,
        allowedLatenessMillis,
        conditions,
        watermark,
        closedUntil,
        latestStart,
        hasOpen
            ? new OpenState(
                openStart, openEnd, open, high, low, close, volume, pricedSize, pricedNotional,
                tradeCount, firstSequence, lastSequence)
            : null,
        hasPending
            ? new PendingState(
                pendingStart, pendingEnd, pendingVolume, pendingCount, pendingFirstSequence,
                pendingLastSequence)
            : null,
        lateTrades,
        outsideSessionTrades,
        unpricedTrades,
        unpricedVolume);
  }

  private String lateness(long time, long start) {
    if (watermark != NONE && time < watermark - allowedLatenessMillis) {
      return "is more than " + Duration.ofMillis(allowedLatenessMillis) + " behind the watermark "
          + Instant.ofEpochMilli(watermark);
    }
    if (closedUntil != NONE && time < closedUntil) {
      return "belongs to a bar closed at " + Instant.ofEpochMilli(closedUntil);
    }
    boolean ownInterval = hasOpen && start == openStart || hasPending && start == pendingStart;
    if (latestStart != NONE && start <= latestStart && !ownInterval) {
      return "is older than the latest interval, " + Instant.ofEpochMilli(latestStart);
    }
    return null;
  }

  private void openBar(long start, long end, double price) {
    hasOpen = true;
    openStart = start;
    openEnd = end;
    open = price;
    high = price;
    low = price;
    close = price;
    volume = 0;
    pricedSize = 0;
    pricedNotional = 0;
    tradeCount = 0;
  }

  private void add(Trade t, boolean setsPrice, long size) {
    if (setsPrice) {
      double price = t.price();
      high = Math.max(high, price);
      low = Math.min(low, price);
      close = price;
      pricedSize += t.size();
      pricedNotional += price * t.size();
    }
    volume += size;
    tradeCount++;
    lastSequence = t.sequence();
  }

  private void hold(Trade t, long size) {
    pendingVolume += size;
    pendingCount++;
    pendingLastSequence = t.sequence();
  }

  /**
   * The held interval ended without a priced trade: its trades join the open bar, which may now
   * close only after that interval, or are counted as unpriced when there is no open bar.
   */
  private void resolvePending() {
    if (hasOpen) {
      volume += pendingVolume;
      tradeCount += pendingCount;
      lastSequence = pendingLastSequence;
      openEnd = pendingEnd;
    } else {
      unpricedTrades += pendingCount;
      unpricedVolume += pendingVolume;
      closedUntil = Math.max(closedUntil, pendingEnd);
    }
    hasPending = false;
  }

  private ClosedBar closeOpen() {
    ClosedBar closed = new ClosedBar(bar(), vwap(), tradeCount, firstSequence, lastSequence);
    hasOpen = false;
    closedUntil = Math.max(closedUntil, openEnd);
    return closed;
  }

  private Bar bar() {
    return new Bar(ticker, Instant.ofEpochMilli(openStart), interval, open, high, low, close, close, volume);
  }

  private double vwap() {
    return pricedNotional / pricedSize;
  }

  private void locateDay(long time) {
    if (time >= dayStart && time < dayEnd) {
      return;
    }
    LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(time), NEW_YORK);
    dayStart = date.atStartOfDay(NEW_YORK).toInstant().toEpochMilli();
    dayEnd = date.plusDays(1).atStartOfDay(NEW_YORK).toInstant().toEpochMilli();
    dayEpochDay = date.toEpochDay();
    sessionOpen = at(date, session.open());
    sessionClose = at(date, session.close());
    regularOpen = at(date, Session.REGULAR.open());
    regularClose = at(date, Session.REGULAR.close());
    // Midnight at the session's UTC offset: on daylight-saving days the clock jumps at 02:00,
    // outside every session, so the session's own offset aligns all of its buckets.
    alignOrigin = sessionOpen - session.open().toSecondOfDay() * 1000L;
  }

  private static long at(LocalDate date, LocalTime time) {
    return date.atTime(time).atZone(NEW_YORK).toInstant().toEpochMilli();
  }

  private static String describe(Trade t) {
    return t.ticker() + " #" + t.sequence() + " at " + t.time();
  }

  /** What became of one trade: applied (possibly closing the bar before it) or rejected. */
  public static final class Outcome {
    static final Outcome APPLIED = new Outcome(null, null);

    private final ClosedBar closed;
    private final Violation violation;

    private Outcome(ClosedBar closed, Violation violation) {
      this.closed = closed;
      this.violation = violation;
    }

    static Outcome closing(ClosedBar closed) {
      return new Outcome(closed, null);
    }

    static Outcome rejected(Violation violation) {
      return new Outcome(null, violation);
    }

    public boolean applied() {
      return violation == null;
    }

    /** The bar this trade closed, if it did. */
    public Optional<ClosedBar> closedBar() {
      return Optional.ofNullable(closed);
    }

    /** Why the trade was not applied ({@code late} or {@code outside-session}). */
    public Optional<Violation> violation() {
      return Optional.ofNullable(violation);
    }

    @Override
    public String toString() {
      if (violation != null) {
        return "rejected " + violation;
      }
      return closed != null ? "applied, closed " + closed : "applied";
    }
  }

  /**
   * Everything needed to continue exactly where this aggregator is: configuration, clock, the open
   * bar and held volume ({@code null} when absent), and the counters. Times are epoch milliseconds,
   * {@code Long.MIN_VALUE} for "none yet".
   */
  public record Memento(
      String ticker,
      long intervalMillis,
      Session session,
      long allowedLatenessMillis,
      SaleConditionFilter conditions,
      long watermarkMillis,
      long closedUntilMillis,
      long latestStartMillis,
      OpenState open,
      PendingState pending,
      long lateTrades,
      long outsideSessionTrades,
      long unpricedTrades,
      long unpricedVolume)
      implements CborSerializable {}

  /**
   * The open bar: {@code startMillis} is its {@link Bar#start()}, {@code endMillis} when it may
   * close (its interval's end, or that of the last quiet interval whose volume it took).
   */
  public record OpenState(
      long startMillis,
      long endMillis,
      double open,
      double high,
      double low,
      double close,
      long volume,
      long pricedSize,
      double pricedNotional,
      int tradeCount,
      long firstSequence,
      long lastSequence) {}

  /** Trades that only add volume, held for an interval that has no bar yet. */
  public record PendingState(
      long startMillis, long endMillis, long volume, int tradeCount, long firstSequence, long lastSequence) {}
}
