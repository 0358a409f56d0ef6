package io.tickcast.ingest;

import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.protocols.Bar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real daily bars played back as a market feed would send them: all tickers' bars of one trading
 * day, then the next day. Days before {@code pacedFrom} go as fast as the sink takes them (history
 * to warm up the indicators); from {@code pacedFrom} on, one trading day per {@code dayInterval}
 * (an accelerated clock; zero: unpaced). Replaying the same data twice is harmless: the entities
 * ignore bars they already have.
 *
 * @param sources daily-bar CSV files ({@code <TICKER>.csv[.gz]}) or directories of them
 * @param tickers only these tickers; empty: every file
 * @param from first trading day replayed (inclusive)
 * @param to last trading day replayed (inclusive)
 */
public record DailyBarReplay(
    List<Path> sources, Set<String> tickers, LocalDate from, LocalDate to, LocalDate pacedFrom, Duration dayInterval)
    implements Replay<Bar> {

  private static final Logger log = LoggerFactory.getLogger(DailyBarReplay.class);

  public DailyBarReplay {
    sources = List.copyOf(sources);
    tickers = Set.copyOf(tickers);
    if (dayInterval.isNegative()) {
      throw new IllegalArgumentException("dayInterval must not be negative, got " + dayInterval);
    }
  }

  /** Reads the selected bars now, in the caller's thread (daily files are small), and streams them. */
  @Override
  public Source<Bar, NotUsed> source(ReplayTally tally) {
    TreeMap<Instant, List<Bar>> days = load(tally);
    Instant pacedStart = pacedFrom.atStartOfDay(ZoneOffset.UTC).toInstant();
    log.info(
        "Replaying {} bars of {} tickers ({} trading days); paced from {} at one day per {}",
        days.values().stream().mapToLong(List::size).sum(),
        days.values().stream().flatMap(List::stream).map(Bar::ticker).distinct().count(),
        days.size(),
        pacedFrom,
        dayInterval);
    Source<List<Bar>, NotUsed> history = Source.from(new ArrayList<>(days.headMap(pacedStart).values()));
    Source<List<Bar>, NotUsed> paced = Source.from(new ArrayList<>(days.tailMap(pacedStart).values()));
    if (!dayInterval.isZero()) {
      paced = paced.throttle(1, dayInterval);
    }
    return history.concat(paced).mapConcat(day -> day);
  }

  /** The selected bars grouped by trading day, in time order. */
  private TreeMap<Instant, List<Bar>> load(ReplayTally tally) {
    TreeMap<Instant, List<Bar>> days = new TreeMap<>();
    Instant first = from.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant last = to.atStartOfDay(ZoneOffset.UTC).toInstant();
    for (Path file : files()) {
      if (!tickers.isEmpty() && !tickers.contains(DailyBarCsv.tickerOf(file))) {
        continue;
      }
      try {
        List<Bar> bars = DailyBarCsv.read(file, problem -> tally.badLine(file, problem));
        for (Bar bar : bars) {
          if (!bar.start().isBefore(first) && !bar.start().isAfter(last)) {
            days.computeIfAbsent(bar.start(), d -> new ArrayList<>()).add(bar);
          }
        }
      } catch (IOException e) {
        tally.badFile(file, e.getMessage());
      }
    }
    return days;
  }

  private List<Path> files() {
    List<Path> files = new ArrayList<>();
    for (Path source : sources) {
      if (Files.isDirectory(source)) {
        try (Stream<Path> list = Files.list(source)) {
          list.filter(p -> p.getFileName().toString().matches(".+\\.csv(\\.gz)?")).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + source, e);
        }
      } else {
        files.add(source);
      }
    }
    return files;
  }
}
