package io.tickcast.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Real trade prints from the shared data set (intraday/tick: AlgoSeek via QuantConnect Lean, "all
 * rights reserved", used in place and never copied). The directory is {@code
 * -Dtickcast.shared.data}, else {@code ../../shared/data} relative to the module directory. A
 * missing directory fails the test: skipping would hide that the checks never ran.
 */
final class TickData {
  private TickData() {}

  static Path tickDir() {
    Path root = Path.of(System.getProperty("tickcast.shared.data", "../../shared/data"));
    Path dir = root.resolve("intraday").resolve("tick");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "Tick data directory not found: "
              + dir.toAbsolutePath().normalize()
              + " (set -Dtickcast.shared.data=<path to shared/data>; the ingest tests need the real"
              + " intraday tick files and do not skip without them)");
    }
    return dir;
  }

  static TickFile tickFile(String ticker, String yyyyMMdd) {
    return TickFile.of(tickDir().resolve(ticker + "_" + yyyyMMdd + "_trade.csv.gz"));
  }

  /**
   * Rows of a tick file (header excluded) that pass {@code keep}, counted from the raw text with
   * a plain split: an oracle independent of {@link TickReader}.
   */
  static long countRows(TickFile file, Predicate<String[]> keep) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(new GZIPInputStream(Files.newInputStream(file.path())), StandardCharsets.UTF_8))) {
      return in.lines().skip(1).map(line -> line.split(",", -1)).filter(keep).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean notSuspicious(String[] row) {
    return row[6].equals("0");
  }

  /** 09:30 <= time < 16:00 by the {@code time_et} text, whose offset is New York's. */
  static boolean inRegularSession(String[] row) {
    LocalTime clock = OffsetDateTime.parse(row[0]).toLocalTime();
    return !clock.isBefore(LocalTime.of(9, 30)) && clock.isBefore(LocalTime.of(16, 0));
  }

  static Path writeGzip(Path file, List<String> lines) {
    try (Writer out = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file)), StandardCharsets.UTF_8)) {
      for (String line : lines) {
        out.write(line);
        out.write('\n');
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
