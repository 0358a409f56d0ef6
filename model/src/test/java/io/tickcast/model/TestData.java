package io.tickcast.model;

import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.protocols.Bar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The 20-ticker subset of sp500-daily committed in the repository ({@code ../data/sp500-daily},
 * Alpha Vantage prices via Pooksoft, MIT repo). Missing data fails the test: skipping would hide
 * that nothing was checked.
 */
final class TestData {
  private TestData() {}

  static Path subsetDir() {
    Path dir = Path.of(System.getProperty("tickcast.subset.data", "../data/sp500-daily"));
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "committed market data not found: " + dir.toAbsolutePath().normalize()
              + " (run the tests from the model module, or set -Dtickcast.subset.data=<dir>)");
    }
    return dir;
  }

  static List<Bar> bars(String ticker) {
    try {
      return DailyBarCsv.readStrict(subsetDir().resolve(ticker + ".csv.gz"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
