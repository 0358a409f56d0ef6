package io.tickcast.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One day of one ticker's trade prints: {@code <TICKER>_<yyyyMMdd>_trade.csv[.gz]} with header
 * {@value TickReader#HEADER} (AlgoSeek data as converted in shared/data/intraday/tick).
 */
public record TickFile(Path path, String ticker, LocalDate date) {

  private static final Pattern NAME = Pattern.compile("([A-Z0-9.]+)_(\\d{8})_trade\\.csv(\\.gz)?");
  private static final DateTimeFormatter BASIC_DATE = DateTimeFormatter.BASIC_ISO_DATE;
  private static final long LINES_PER_DAY = 10_000_000L;

  /** The file at {@code path}, whose name says its ticker and date. */
  public static TickFile of(Path path) {
    Matcher name = NAME.matcher(path.getFileName().toString());
    if (!name.matches()) {
      throw new IllegalArgumentException("not a <TICKER>_<yyyyMMdd>_trade.csv[.gz] file: " + path);
    }
    try {
      return new TickFile(path, name.group(1), LocalDate.parse(name.group(2), BASIC_DATE));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("no valid date in the name of " + path, e);
    }
  }

  /**
   * The trade files among {@code sources} (files, or directories whose trade files are taken and
   * other files ignored) of the given tickers (all when empty) dated {@code from..to} inclusive,
   * ordered by ticker, then date. A file named explicitly must be a trade file.
   */
  public static List<TickFile> find(List<Path> sources, Set<String> tickers, LocalDate from, LocalDate to) {
    List<TickFile> files = new ArrayList<>();
    for (Path source : sources) {
      if (Files.isDirectory(source)) {
        try (Stream<Path> list = Files.list(source)) {
          list.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).map(TickFile::of).forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + source, e);
        }
      } else {
        files.add(of(source));
      }
    }
    return files.stream()
        .filter(f -> tickers.isEmpty() || tickers.contains(f.ticker()))
        .filter(f -> !f.date().isBefore(from) && !f.date().isAfter(to))
        .distinct()
        .sorted(Comparator.comparing(TickFile::ticker).thenComparing(TickFile::date))
        .toList();
  }

  /** Opens the file for reading; the caller closes the reader. */
  public TickReader open(TradingSession session, ReplayTally tally) throws IOException {
    return new TickReader(this, session, tally);
  }

  /**
   * The sequence number of the trade on physical line {@code line} (the header is line 1): {@code
   * yyyyMMdd * 10_000_000 + line}. It increases along a file and from one day's file to the next,
   * so a ticker's sequence keeps increasing over a multi-day replay, and it names the source line.
   * Files hold fewer than 10 million lines (SPY's busiest day has 460k).
   */
  public long sequence(long line) {
    if (line >= LINES_PER_DAY) {
      throw new IllegalStateException(path + " has more lines than the sequence scheme allows (" + LINES_PER_DAY + ")");
    }
    return sequence(date, line);
  }

  /** The sequence number of line {@code line} of a file dated {@code date}. */
  public static long sequence(LocalDate date, long line) {
    long yyyyMMdd = date.getYear() * 10_000L + date.getMonthValue() * 100L + date.getDayOfMonth();
    return yyyyMMdd * LINES_PER_DAY + line;
  }

  /** The line a {@link #sequence} number names. */
  public static long lineOf(long sequence) {
    return sequence % LINES_PER_DAY;
  }
}
