package io.tickcast.protocols;

import java.time.Duration;
import java.time.Instant;

/**
 * One OHLCV bar as the source reported it. Prices and volume are raw (as traded);
 * {@code adjustedClose} carries the vendor's split- and dividend-adjusted close, so
 * {@link #adjustmentFactor()} maps raw prices onto the adjusted scale that indicators and models
 * use. Sources without adjustment (live trades) set {@code adjustedClose == close}.
 *
 * <p>Daily bars are stamped at 00:00Z of their trading date with a one-day interval.
 */
public record Bar(
    String ticker,
    Instant start,
    Duration interval,
    double open,
    double high,
    double low,
    double close,
    double adjustedClose,
    long volume)
    implements MarketEvent {

  /** Factor that turns a raw price of this bar into the adjusted scale. */
  public double adjustmentFactor() {
    return adjustedClose / close;
  }

  /** The instant the bar's interval ends (exclusive). */
  public Instant end() {
    return start.plus(interval);
  }
}
