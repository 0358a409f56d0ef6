package io.tickcast.ingest;

import io.tickcast.protocols.Trade;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A k-way merge of several tickers' trades into event-time order: a priority queue holds each
 * ticker's next trade. Each ticker has one cursor, so its own trades keep their file order even
 * where times tie or a file is out of order; ties across tickers go to the alphabetically first
 * ticker, so a replay is repeatable.
 */
final class TradeMerge implements Closeable {

  private record Head(Trade trade, int rank, TickerCursor cursor) {}

  private static final Comparator<Head> ORDER =
      Comparator.comparing((Head h) -> h.trade().time()).thenComparingInt(Head::rank);
  private static final Comparator<TickFile> BY_TICKER_AND_DATE =
      Comparator.comparing(TickFile::ticker).thenComparing(TickFile::date);

  private final List<TickerCursor> cursors = new ArrayList<>();
  private final PriorityQueue<Head> heads = new PriorityQueue<>(ORDER);

  TradeMerge(List<TickFile> files, TradingSession session, ReplayTally tally) throws IOException {
    Map<String, List<TickFile>> byTicker = new LinkedHashMap<>();
    for (TickFile file : files.stream().sorted(BY_TICKER_AND_DATE).toList()) {
      byTicker.computeIfAbsent(file.ticker(), t -> new ArrayList<>()).add(file);
    }
    try {
      for (List<TickFile> days : byTicker.values()) {
        TickerCursor cursor = new TickerCursor(days, session, tally);
        cursors.add(cursor);
        advance(cursor, cursors.size() - 1);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The next trades in order, at most {@code max}, or {@code null} when every ticker is done. */
  List<Trade> nextBatch(int max) throws IOException {
    List<Trade> batch = new ArrayList<>(max);
    Trade trade;
    while (batch.size() < max && (trade = next()) != null) {
      batch.add(trade);
    }
    return batch.isEmpty() ? null : batch;
  }

  /** The earliest trade not yet returned, or {@code null} when every ticker is done. */
  Trade next() throws IOException {
    Head head = heads.poll();
    if (head == null) {
      return null;
    }
    advance(head.cursor(), head.rank());
    return head.trade();
  }

  private void advance(TickerCursor cursor, int rank) throws IOException {
    Trade trade = cursor.next();
    if (trade != null) {
      heads.add(new Head(trade, rank, cursor));
    }
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (TickerCursor cursor : cursors) {
      try {
        cursor.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
