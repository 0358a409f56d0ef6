package io.tickcast.features;

import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.protocols.Bar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real market data from the shared data set for the features tests: daily bars (sp500-daily,
 * Alpha Vantage via Pooksoft, MIT repo) and the intraday AlgoSeek files. The root is {@code
 * -Dtickcast.shared.data}, else {@code ../../shared/data} relative to the module directory. A
 * missing file fails the test: CI has the data, and skipping would hide that the oracle comparison
 * never ran.
 */
public final class MarketData {
  private MarketData() {}

  /** A file under the shared data root, which must exist. */
  public static Path sharedFile(String first, String... more) {
    Path root = Path.of(System.getProperty("tickcast.shared.data", "../../shared/data"));
    Path path = root.resolve(Path.of(first, more));
    if (!Files.exists(path)) {
      throw new IllegalStateException(
          "Market data not found: "
              + path.toAbsolutePath().normalize()
              + " (set -Dtickcast.shared.data=<path to shared/data>; the features tests compare with"
              + " real data and do not skip without it)");
    }
    return path;
  }

  static Path dailyAdjustedDir() {
    return sharedFile("sp500-daily", "daily_adjusted");
  }

  static List<Bar> daily(String ticker) {
    try {
      return DailyBarCsv.readStrict(dailyAdjustedDir().resolve(ticker + ".csv.gz"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
