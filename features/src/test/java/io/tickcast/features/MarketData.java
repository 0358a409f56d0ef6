package io.tickcast.features;

import io.tickcast.protocols.Bar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Real daily bars from the shared data set (sp500-daily, Alpha Vantage via Pooksoft, MIT repo).
 * The directory is {@code -Dtickcast.shared.data}, else {@code ../../shared/data} relative to the
 * module directory. A missing directory fails the test: CI has the data, and skipping would hide
 * that the oracle comparison never ran.
 */
final class MarketData {
  private MarketData() {}

  static Path dailyAdjustedDir() {
    Path root = Path.of(System.getProperty("tickcast.shared.data", "../../shared/data"));
    Path dir = root.resolve("sp500-daily").resolve("daily_adjusted");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "Market data directory not found: "
              + dir.toAbsolutePath().normalize()
              + " (set -Dtickcast.shared.data=<path to shared/data>; the features tests need the"
              + " real sp500-daily CSVs and do not skip without them)");
    }
    return dir;
  }

  /** Reads the first seven columns: timestamp,open,high,low,close,adjusted_close,volume. */
  static List<Bar> daily(String ticker) {
    Path file = dailyAdjustedDir().resolve(ticker + ".csv.gz");
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.US_ASCII))) {
      List<Bar> bars = new ArrayList<>();
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",");
        bars.add(
            new Bar(
                ticker,
                LocalDate.parse(f[0]).atStartOfDay().toInstant(ZoneOffset.UTC),
                Duration.ofDays(1),
                Double.parseDouble(f[1]),
                Double.parseDouble(f[2]),
                Double.parseDouble(f[3]),
                Double.parseDouble(f[4]),
                Double.parseDouble(f[5]),
                Long.parseLong(f[6])));
      }
      return bars;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
