package io.tickcast.ingest;

import io.tickcast.protocols.Trade;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trade prints of several tickers and days, merged into one stream in event-time order (each
 * ticker's own order kept) and paced. Files are streamed, at most one per ticker open at a time;
 * reading runs on Pekko's blocking-IO dispatcher.
 *
 * @param files from {@link TickFile#find}; any order
 */
public record TickReplay(List<TickFile> files, TradingSession session, Pacing pacing) implements Replay<Trade> {

  /**
   * Trades leave the reading stage (an async island on the blocking-IO dispatcher) in batches:
   * handing them over one by one costs about 8x the throughput (see TickReplayThroughput).
   */
  private static final int BATCH = 1024;

  private static final Logger log = LoggerFactory.getLogger(TickReplay.class);

  public TickReplay {
    files = List.copyOf(files);
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(pacing, "pacing");
  }

  @Override
  public Source<Trade, NotUsed> source(ReplayTally tally) {
    log.info(
        "Replaying {} tick files of {} ({} session, {})",
        files.size(),
        files.stream().map(TickFile::ticker).distinct().sorted().toList(),
        session,
        pacing.paced() ? pacing.speed() + "x real time" : "unpaced");
    return Source.unfoldResource(
            () -> new TradeMerge(files, session, tally),
            merge -> Optional.ofNullable(merge.nextBatch(BATCH)),
            TradeMerge::close)
        .mapConcat(batch -> batch)
        .via(pacing.flow(Trade::time));
  }
}
