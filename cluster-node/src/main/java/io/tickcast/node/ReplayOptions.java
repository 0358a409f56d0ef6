package io.tickcast.node;

import io.tickcast.ingest.DailyBarReplay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** Options shared by {@code replay} and {@code dev}: what to replay and how fast. */
final class ReplayOptions {

  @Option(
      names = "--data",
      split = ",",
      description = "Daily-bar CSV files or directories (<TICKER>.csv[.gz]). Default: ${DEFAULT-VALUE}",
      defaultValue = "data/sp500-daily")
  List<Path> data;

  @Option(names = "--tickers", split = ",", description = "Only these tickers (default: all files).")
  Set<String> tickers = Set.of();

  @Option(names = "--from", description = "First trading day to replay. Default: ${DEFAULT-VALUE}", defaultValue = "2019-01-01")
  LocalDate from;

  @Option(names = "--to", description = "Last trading day to replay. Default: ${DEFAULT-VALUE}", defaultValue = "2099-12-31")
  LocalDate to;

  @Option(
      names = "--paced-from",
      description = "Days before this go as fast as possible (indicator warm-up); later days are paced. Default: ${DEFAULT-VALUE}",
      defaultValue = "2020-06-01")
  LocalDate pacedFrom;

  @Option(
      names = "--day-interval",
      description = "Wall-clock time per paced trading day (the accelerated clock). Default: ${DEFAULT-VALUE}",
      defaultValue = "250ms")
  Duration dayInterval;

  DailyBarReplay toReplay() {
    List<Path> sources = data.stream().map(ProjectPaths::resolve).toList();
    for (Path source : sources) {
      if (!Files.exists(source)) {
        throw new UserError("no such data file or directory: " + source);
      }
    }
    if (dayInterval.isNegative()) {
      throw new UserError("--day-interval must not be negative");
    }
    return new DailyBarReplay(sources, tickers, from, to, pacedFrom, dayInterval);
  }
}
