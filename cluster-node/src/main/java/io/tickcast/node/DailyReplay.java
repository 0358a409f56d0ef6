package io.tickcast.node;

import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.MarketEventCodec;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.javadsl.Producer;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays real daily bars into Kafka as a market feed would: all tickers' bars of one trading day,
 * then the next day. Days before {@code pacedFrom} go as fast as Kafka takes them (history to warm
 * up the indicators); from {@code pacedFrom} on, one trading day per {@code dayInterval} (an
 * accelerated clock). Replaying the same data twice is harmless: the entities ignore bars they
 * already have.
 */
public final class DailyReplay {

  private static final Logger log = LoggerFactory.getLogger(DailyReplay.class);

  public record Settings(
      List<Path> sources,
      Set<String> tickers,
      LocalDate from,
      LocalDate to,
      LocalDate pacedFrom,
      Duration dayInterval,
      String bootstrapServers,
      String topic) {}

  /** {@code badFiles}: files that are not daily-bar CSVs; {@code badLines}: unreadable rows. */
  public record Result(long bars, int tickers, long badLines, long badFiles) {}

  private DailyReplay() {}

  /** The bars to replay, grouped by trading day in time order. */
  static TreeMap<Instant, List<Bar>> load(Settings settings, AtomicLong badLines, AtomicLong badFiles) {
    TreeMap<Instant, List<Bar>> days = new TreeMap<>();
    Instant from = settings.from().atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = settings.to().atStartOfDay(ZoneOffset.UTC).toInstant();
    for (Path file : files(settings.sources())) {
      String ticker = DailyBarCsv.tickerOf(file);
      if (!settings.tickers().isEmpty() && !settings.tickers().contains(ticker)) {
        continue;
      }
      try {
        for (Bar bar :
            DailyBarCsv.read(
                file,
                problem -> {
                  badLines.incrementAndGet();
                  log.warn("{}: {} (line skipped)", file, problem);
                })) {
          if (!bar.start().isBefore(from) && !bar.start().isAfter(to)) {
            days.computeIfAbsent(bar.start(), d -> new ArrayList<>()).add(bar);
          }
        }
      } catch (IOException e) {
        badFiles.incrementAndGet();
        log.warn("Skipping {}: {}", file, e.getMessage());
      }
    }
    return days;
  }

  public static CompletionStage<Result> run(ActorSystem<?> system, Settings settings) {
    AtomicLong badLines = new AtomicLong();
    AtomicLong badFiles = new AtomicLong();
    TreeMap<Instant, List<Bar>> days = load(settings, badLines, badFiles);
    long bars = days.values().stream().mapToLong(List::size).sum();
    int tickers = (int) days.values().stream().flatMap(List::stream).map(Bar::ticker).distinct().count();
    Instant pacedFrom = settings.pacedFrom().atStartOfDay(ZoneOffset.UTC).toInstant();
    log.info(
        "Replaying {} bars of {} tickers ({} trading days) to {}; paced from {} at one day per {}",
        bars, tickers, days.size(), settings.topic(), settings.pacedFrom(), settings.dayInterval());

    Source<List<Bar>, ?> history = Source.from(new ArrayList<>(days.headMap(pacedFrom).values()));
    Source<List<Bar>, ?> paced = Source.from(new ArrayList<>(days.tailMap(pacedFrom).values()));
    if (!settings.dayInterval().isZero()) {
      paced = paced.throttle(1, settings.dayInterval());
    }

    ProducerSettings<String, byte[]> producerSettings =
        ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer())
            .withBootstrapServers(settings.bootstrapServers());
    return history
        .concat(paced)
        .mapConcat(day -> day)
        .map(bar -> new ProducerRecord<>(settings.topic(), bar.ticker(), MarketEventCodec.encode(bar)))
        .runWith(Producer.plainSink(producerSettings), system)
        .thenApply((Done done) -> new Result(bars, tickers, badLines.get(), badFiles.get()));
  }

  private static List<Path> files(List<Path> sources) {
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
