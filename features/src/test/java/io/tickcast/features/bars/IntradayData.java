package io.tickcast.features.bars;

import io.tickcast.features.MarketData;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Trade;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The AlgoSeek intraday data of the shared data set (QuantConnect Lean sample data, "DATA PROVIDED
 * BY ALGOSEEK, ALL RIGHTS RESERVED"), read where it lies: it may not be copied into the project.
 * The directory is {@code -Dtickcast.shared.data}, else {@code ../../shared/data} relative to the
 * module directory; a missing file fails the test rather than skipping it.
 */
public final class IntradayData {
  private IntradayData() {}

  /** One row of a {@code minute/} or {@code second/} trade-bar file. */
  public record RefBar(Instant start, double open, double high, double low, double close, long volume) {
    /** Same open, high, low, close and volume as {@code bar}. */
    public boolean sameAs(Bar bar) {
      return bar.open() == open && bar.high() == high && bar.low() == low && bar.close() == close && bar.volume() == volume;
    }
  }

  /**
   * Every print of a {@code tick/<T>_<yyyyMMdd>_trade.csv.gz} file except those flagged
   * suspicious, as trades whose sequence is the 1-based row number.
   */
  public static List<Trade> trades(String ticker, String yyyyMMdd) {
    List<Trade> trades = new ArrayList<>(500_000);
    long row = 0;
    for (String[] f : rows(file("tick", ticker + "_" + yyyyMMdd + "_trade.csv.gz"), 7)) {
      row++;
      if (!f[6].equals("0")) {
        continue;
      }
      trades.add(
          new Trade(
              ticker,
              Instant.ofEpochMilli(Long.parseLong(f[1])),
              Double.parseDouble(f[2]),
              Long.parseLong(f[3]),
              row,
              f[4],
              f[5]));
    }
    return trades;
  }

  /**
   * {@link #trades} numbered as the replay numbers them ({@code TickFile}: {@code yyyyMMdd *
   * 10,000,000 + row}), so that sequences keep increasing from one day to the next.
   */
  public static List<Trade> tradesOfAWeek(String ticker, String yyyyMMdd) {
    long day = Long.parseLong(yyyyMMdd) * 10_000_000L;
    return trades(ticker, yyyyMMdd).stream()
        .map(t -> new Trade(t.ticker(), t.time(), t.price(), t.size(), day + t.sequence(), t.exchange(), t.condition()))
        .toList();
  }

  /** The bars of {@code second/} or {@code minute/} ({@code resolution}) by start, in file order. */
  public static Map<Instant, RefBar> bars(String resolution, String ticker) {
    Map<Instant, RefBar> bars = new LinkedHashMap<>();
    for (String[] f : rows(file(resolution, ticker + "_trade.csv.gz"), 7)) {
      Instant start = Instant.ofEpochMilli(Long.parseLong(f[1]));
      bars.put(
          start,
          new RefBar(
              start,
              Double.parseDouble(f[2]),
              Double.parseDouble(f[3]),
              Double.parseDouble(f[4]),
              Double.parseDouble(f[5]),
              Long.parseLong(f[6])));
    }
    return bars;
  }

  static Path file(String dir, String name) {
    return MarketData.sharedFile("intraday", dir, name);
  }

  private static List<String[]> rows(Path file, int columns) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.US_ASCII))) {
      in.readLine();
      List<String[]> rows = new ArrayList<>(500_000);
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",", -1);
        if (f.length != columns) {
          throw new IllegalStateException(file + ": expected " + columns + " fields: " + line);
        }
        rows.add(f);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
