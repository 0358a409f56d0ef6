package io.tickcast.ingest;

import io.tickcast.protocols.MarketEvent;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Recorded market data played back as a stream, whatever the sink ({@link KafkaReplay}, a test,
 * a benchmark).
 */
public interface Replay<E extends MarketEvent> {

  /**
   * A fresh stream of the replay's events, already paced. Records left out are counted into
   * {@code tally}; pass a new tally per run so that counts do not mix.
   */
  Source<E, NotUsed> source(ReplayTally tally);
}
