package io.tickcast.features.bars;

/**
 * Which trades may set a bar's prices and which add to its volume, decided by the trade's
 * sale-condition code. The code is read as the hexadecimal flag word of QuantConnect/AlgoSeek tick
 * data ({@code TradeConditionFlags}: 0x1 regular, 0x20 intermarket sweep, 0x40 opening print, ...);
 * a trade with any bit of a mask set is kept out of what that mask guards. Prices have one mask for
 * the regular hours (09:30-16:00 New York) and one for the extended hours, since feeds treat
 * pre- and after-market prints differently.
 *
 * <p>An empty code is a regular trade. A code that is not hexadecimal sets no price under a
 * non-zero mask (its terms are unknown) but still counts in volume. With all masks zero nothing is
 * parsed and every trade counts: the filter for feeds without conditions.
 */
public record SaleConditionFilter(
    long regularHoursPriceExcluded, long extendedHoursPriceExcluded, long volumeExcluded) {

  static final long SELLER = 0x8L;
  static final long INTERMARKET_SWEEP = 0x20L;
  static final long OPENING_PRINTS = 0x40L;
  static final long CLOSING_PRINTS = 0x80L;
  static final long REOPENING_PRINTS = 0x100L;
  static final long DERIVATIVELY_PRICED = 0x200L;
  static final long EXTENDED_HOURS = 0x2000L;
  static final long AVERAGE_PRICE = 0x10_0000L;
  static final long CROSS = 0x20_0000L;
  static final long OFFICIAL_CLOSE = 0x100_0000L;
  static final long OFFICIAL_OPEN = 0x400_0000L;

  /** Every trade sets prices and counts in volume. */
  public static final SaleConditionFilter ALL = new SaleConditionFilter(0, 0, 0);

  /**
   * Reproduces the bars that ship with the AlgoSeek/QuantConnect tick data (features/README.md,
   * "Bars from trades"): auction prints, official open/close reports, derivatively priced and
   * cross trades never set prices; in the regular hours neither do intermarket sweeps, late
   * extended-hours reports, average-price and seller's-option trades. Official open/close reports
   * are summaries, not trades: they add no volume.
   */
  public static final SaleConditionFilter ALGOSEEK =
      new SaleConditionFilter(
          SELLER | INTERMARKET_SWEEP | OPENING_PRINTS | CLOSING_PRINTS | REOPENING_PRINTS
              | DERIVATIVELY_PRICED | EXTENDED_HOURS | AVERAGE_PRICE | CROSS | OFFICIAL_CLOSE
              | OFFICIAL_OPEN,
          OPENING_PRINTS | CLOSING_PRINTS | REOPENING_PRINTS | DERIVATIVELY_PRICED | CROSS
              | OFFICIAL_CLOSE | OFFICIAL_OPEN,
          OFFICIAL_CLOSE | OFFICIAL_OPEN);

  public boolean setsPrice(String condition, boolean regularHours) {
    long mask = regularHours ? regularHoursPriceExcluded : extendedHoursPriceExcluded;
    if (mask == 0) {
      return true;
    }
    long flags = flags(condition);
    return flags >= 0 && (flags & mask) == 0;
  }

  public boolean addsVolume(String condition) {
    if (volumeExcluded == 0) {
      return true;
    }
    long flags = flags(condition);
    return flags < 0 || (flags & volumeExcluded) == 0;
  }

  /** The flag word, or -1 when the code is not (at most 15) hexadecimal digits; parses without allocating. */
  static long flags(String condition) {
    int n = condition.length();
    if (n > 15) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < n; i++) {
      int digit = Character.digit(condition.charAt(i), 16);
      if (digit < 0) {
        return -1;
      }
      value = value << 4 | digit;
    }
    return value;
  }
}
