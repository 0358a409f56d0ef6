package io.tickcast.node;

import io.tickcast.ingest.Pacing;
import io.tickcast.ingest.TickFile;
import io.tickcast.ingest.TickReplay;
import io.tickcast.ingest.TradingSession;
import io.tickcast.protocols.WireFormat;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "replay-ticks",
    mixinStandardHelpOptions = true,
    description = {
      "Produce real trade prints (<TICKER>_<yyyyMMdd>_trade.csv[.gz]) to the Kafka topic 'ticks',",
      "merged across tickers in event-time order. Suspicious prints are left out and counted."
    })
final class ReplayTicksCommand implements Callable<Integer> {

  @Option(names = "--ticks", split = ",", required = true, description = "Tick files or directories.")
  List<Path> sources;

  @Option(names = "--tickers", split = ",", description = "Only these tickers (default: all files).")
  Set<String> tickers = Set.of();

  @Option(names = "--from", description = "First day (default: the first file's).", defaultValue = "1900-01-01")
  LocalDate from;

  @Option(names = "--to", description = "Last day (default: the last file's).", defaultValue = "2999-12-31")
  LocalDate to;

  @Option(names = "--pace", description = "max, real, or a speed-up such as 60x. Default: ${DEFAULT-VALUE}", defaultValue = "max")
  String pace;

  @Option(names = "--session", description = "REGULAR (09:30-16:00 New York) or EXTENDED. Default: ${DEFAULT-VALUE}", defaultValue = "REGULAR")
  TradingSession session;

  @Option(names = "--kafka", description = "Kafka bootstrap servers (default: tickcast.kafka.bootstrap-servers / $TICKCAST_KAFKA).")
  String kafka;

  @Option(
      names = "--wire-format",
      description = ReplayCommand.WIRE_FORMAT_HELP,
      defaultValue = "binary",
      converter = ReplayCommand.WireFormatConverter.class)
  WireFormat wireFormat;

  @Override
  public Integer call() throws Exception {
    List<TickFile> files = TickFile.find(sources.stream().map(ProjectPaths::resolve).toList(), tickers, from, to);
    if (files.isEmpty()) {
      throw new UserError("no tick files match " + sources + " " + tickers + " " + from + ".." + to);
    }
    return ReplayCommand.produce(new TickReplay(files, session, Pacing.parse(pace)), kafka, wireFormat);
  }
}
