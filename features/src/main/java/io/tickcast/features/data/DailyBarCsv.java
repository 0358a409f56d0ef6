package io.tickcast.features.data;

import io.tickcast.protocols.Bar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads Alpha Vantage TIME_SERIES_DAILY_ADJUSTED exports ({@code <TICKER>.csv[.gz]} with header
 * {@code timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient})
 * into bars stamped at 00:00Z of their trading date. A line that cannot be read is reported to
 * {@code onBadLine} with its line number and reason and skipped, never silently dropped.
 */
public final class DailyBarCsv {

  public static final String HEADER =
      "timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient";

  private DailyBarCsv() {}

  /** The ticker a file holds, from its name: {@code AAPL.csv.gz} -> {@code AAPL}. */
  public static String tickerOf(Path file) {
    String name = file.getFileName().toString();
    int dot = name.indexOf(".csv");
    if (dot <= 0) {
      throw new IllegalArgumentException("not a <TICKER>.csv[.gz] file: " + file);
    }
    return name.substring(0, dot);
  }

  public static List<Bar> read(Path file, Consumer<String> onBadLine) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      return read(in, tickerOf(file), onBadLine);
    }
  }

  /** Reads a file whose every line must be valid: for tests and trusted data sets. */
  public static List<Bar> readStrict(Path file) throws IOException {
    return read(
        file,
        problem -> {
          throw new IllegalArgumentException(file + ": " + problem);
        });
  }

  static List<Bar> read(InputStream in, String ticker, Consumer<String> onBadLine) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String header = reader.readLine();
    if (header == null || !header.strip().equals(HEADER)) {
      throw new IOException("unexpected header in " + ticker + ": " + header + " (expected " + HEADER + ")");
    }
    List<Bar> bars = new ArrayList<>(6000);
    String line;
    int lineNo = 1;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 9) {
        onBadLine.accept("line " + lineNo + ": expected 9 fields, got " + f.length);
        continue;
      }
      try {
        bars.add(
            new Bar(
                ticker,
                LocalDate.parse(f[0]).atStartOfDay(ZoneOffset.UTC).toInstant(),
                Duration.ofDays(1),
                Double.parseDouble(f[1]),
                Double.parseDouble(f[2]),
                Double.parseDouble(f[3]),
                Double.parseDouble(f[4]),
                Double.parseDouble(f[5]),
                Long.parseLong(f[6])));
      } catch (RuntimeException e) {
        onBadLine.accept("line " + lineNo + ": " + e.getMessage());
      }
    }
    return bars;
  }
}
