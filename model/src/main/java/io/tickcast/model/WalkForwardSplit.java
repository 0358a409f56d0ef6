package io.tickcast.model;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.zip.CRC32;

/**
 * Splits rows by time, never shuffling across it, and keeps a fixed share of tickers out of
 * training altogether. A row belongs to a window only if both its date and its label date lie in
 * it: the last h rows before a boundary, whose labels reach into the next window, are purged.
 *
 * <p>Held-out tickers are chosen by {@code CRC32(ticker) mod 1000 < 1000 * holdoutFraction}: stable
 * across runs, machines and subsets (a ticker is held out in every data set that contains it).
 * Their rows are used only in the test window ({@link Segment#HOLDOUT_TEST}), to measure how the
 * model does on tickers it never saw.
 */
public record WalkForwardSplit(
    LocalDate trainEnd, LocalDate validateEnd, LocalDate testEnd, double holdoutFraction) {

  public enum Segment {
    TRAIN,
    VALIDATE,
    TEST,
    HOLDOUT_TEST,
    UNUSED
  }

  public WalkForwardSplit {
    if (!(trainEnd.isBefore(validateEnd) && validateEnd.isBefore(testEnd))) {
      throw new IllegalArgumentException("windows out of order: " + trainEnd + ", " + validateEnd + ", " + testEnd);
    }
    if (!(holdoutFraction >= 0.0 && holdoutFraction < 1.0)) {
      throw new IllegalArgumentException("holdoutFraction must be in [0, 1): " + holdoutFraction);
    }
  }

  /** Train up to 2016-12-31, validate 2017-2018, test 2019-01-01 to 2021-04-21; 20% held out. */
  public static WalkForwardSplit standard() {
    return new WalkForwardSplit(
        LocalDate.of(2016, 12, 31), LocalDate.of(2018, 12, 31), LocalDate.of(2021, 4, 21), 0.2);
  }

  public boolean isHeldOut(String ticker) {
    CRC32 crc = new CRC32();
    crc.update(ticker.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % 1000 < Math.round(holdoutFraction * 1000);
  }

  public Segment segmentOf(String ticker, LocalDate date, LocalDate labelDate) {
    if (!labelDate.isAfter(trainEnd)) {
      return isHeldOut(ticker) ? Segment.UNUSED : Segment.TRAIN;
    }
    if (date.isAfter(trainEnd) && !labelDate.isAfter(validateEnd)) {
      return isHeldOut(ticker) ? Segment.UNUSED : Segment.VALIDATE;
    }
    if (date.isAfter(validateEnd) && !labelDate.isAfter(testEnd)) {
      return isHeldOut(ticker) ? Segment.HOLDOUT_TEST : Segment.TEST;
    }
    return Segment.UNUSED;
  }
}
