package io.tickcast.ingest;

import io.tickcast.protocols.Trade;
import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/**
 * One ticker's trades over its files, one day after the other, with at most one file open. A file
 * that cannot be opened or breaks off is counted as bad and the next day goes on.
 */
final class TickerCursor implements Closeable {

  private final Iterator<TickFile> files;
  private final TradingSession session;
  private final ReplayTally tally;
  private TickReader current;

  /** {@code files}: one ticker's files in date order. */
  TickerCursor(List<TickFile> files, TradingSession session, ReplayTally tally) {
    this.files = files.iterator();
    this.session = session;
    this.tally = tally;
  }

  /** The ticker's next trade, or {@code null} after its last file. */
  Trade next() throws IOException {
    while (true) {
      if (current == null) {
        if (!files.hasNext()) {
          return null;
        }
        TickFile file = files.next();
        try {
          current = file.open(session, tally);
        } catch (IOException e) {
          tally.badFile(file.path(), e.getMessage());
          continue;
        }
      }
      try {
        Trade trade = current.next();
        if (trade != null) {
          return trade;
        }
      } catch (IOException e) {
        tally.badFile(current.file().path(), e.getMessage());
      }
      close();
    }
  }

  @Override
  public void close() throws IOException {
    if (current != null) {
      TickReader closing = current;
      current = null;
      closing.close();
    }
  }
}
