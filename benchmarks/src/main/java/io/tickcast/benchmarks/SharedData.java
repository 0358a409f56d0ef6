package io.tickcast.benchmarks;

import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Trade;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The real market data the benchmarks run on, read from the shared data set: {@code
 * -Dtickcast.shared.data}, else {@code ../../shared/data} relative to the working directory (right
 * when run from {@code benchmarks/}). A missing file stops the benchmark: numbers from made-up data
 * would not say how the real hot path behaves.
 */
final class SharedData {
  private SharedData() {}

  /** Alpha Vantage daily bars of {@code ticker} (sp500-daily, via Pooksoft, MIT repo). */
  static Bar[] dailyBars(String ticker) throws IOException {
    return DailyBarCsv.readStrict(file("sp500-daily/daily_adjusted/" + ticker + ".csv.gz"))
        .toArray(Bar[]::new);
  }

  /**
   * Every non-suspicious print of one AlgoSeek tick file ("DATA PROVIDED BY ALGOSEEK, ALL RIGHTS
   * RESERVED"), in file order, sequence = 1-based row number.
   */
  static Trade[] trades(String ticker, String yyyyMMdd) throws IOException {
    Path file = file("intraday/tick/" + ticker + "_" + yyyyMMdd + "_trade.csv.gz");
    List<Trade> trades = new ArrayList<>(500_000);
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.US_ASCII))) {
      in.readLine();
      long row = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        row++;
        String[] f = line.split(",", -1);
        if (f[6].equals("0")) {
          trades.add(
              new Trade(
                  ticker,
                  Instant.ofEpochMilli(Long.parseLong(f[1])),
                  Double.parseDouble(f[2]),
                  Long.parseLong(f[3]),
                  row,
                  f[4],
                  f[5]));
        }
      }
    }
    return trades.toArray(Trade[]::new);
  }

  private static Path file(String relative) {
    Path root = Path.of(System.getProperty("tickcast.shared.data", "../../shared/data"));
    Path file = root.resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "Benchmark data not found: " + file.toAbsolutePath().normalize()
              + " (run from benchmarks/ or pass -Dtickcast.shared.data=<path to shared/data>)");
    }
    return file;
  }
}
