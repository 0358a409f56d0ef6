package io.tickcast.features.validation;

import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Tickers;
import java.util.Optional;

/**
 * Record-level checks a bar must pass before it may touch a ticker's state. Stateless: checks
 * that need history (time going backwards, spikes) belong to the ticker that has the history.
 */
public final class BarValidator {

  private BarValidator() {}

  /** The first rule the bar breaks, or empty when it is fit to apply. */
  public static Optional<Violation> validate(Bar bar) {
    if (!Tickers.isValid(bar.ticker())) {
      return violation("ticker-format", "ticker '" + bar.ticker() + "' is not an exchange symbol");
    }
    if (bar.start() == null || bar.interval() == null) {
      return violation("schema", "bar without start or interval");
    }
    if (bar.interval().isNegative() || bar.interval().isZero()) {
      return violation("schema", "interval " + bar.interval() + " is not positive");
    }
    for (double price : new double[] {bar.open(), bar.high(), bar.low(), bar.close(), bar.adjustedClose()}) {
      if (!Double.isFinite(price) || price <= 0) {
        return violation("price-not-positive", "price " + price + " in " + describe(bar));
      }
    }
    if (bar.volume() < 0) {
      return violation("volume-negative", "volume " + bar.volume() + " in " + describe(bar));
    }
    if (bar.high() < Math.max(bar.open(), bar.close()) || bar.low() > Math.min(bar.open(), bar.close())) {
      return violation("ohlc-inconsistent", "high/low do not bound open/close in " + describe(bar));
    }
    return Optional.empty();
  }

  private static Optional<Violation> violation(String rule, String detail) {
    return Optional.of(new Violation(rule, detail));
  }

  private static String describe(Bar bar) {
    return String.format(
        "%s@%s O=%s H=%s L=%s C=%s", bar.ticker(), bar.start(), bar.open(), bar.high(), bar.low(), bar.close());
  }
}
