package io.tickcast.ingest;

import io.tickcast.protocols.Trade;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.zip.GZIPInputStream;

/**
 * Reads one {@link TickFile} a line at a time (a day of SPY is 460k lines: never held in memory)
 * and returns the trades that pass its filters. {@code epoch_ms} is the trade time; {@code time_et}
 * is only its New York rendering and is not parsed. Every line left out is counted in the {@link
 * ReplayTally}: a valid trade under its filter reason (first rule it fails, in the order
 * suspicious, session), an unreadable one as a bad line with its number. Not thread-safe: one
 * stream stage reads it.
 */
public final class TickReader implements Closeable {

  public static final String HEADER = "time_et,epoch_ms,price,size,exchange,condition,suspicious";
  /** Filter reason: the vendor flagged the print ({@code suspicious == 1}). */
  public static final String SUSPICIOUS = "suspicious";
  /** Filter reason: the print lies outside the chosen {@link TradingSession}. */
  public static final String OUTSIDE_SESSION = "outside-session";

  private static final int FIELDS = 7;
  private static final int BUFFER = 1 << 16;

  private final TickFile file;
  private final ReplayTally tally;
  private final BufferedReader reader;
  private final long dayStart;
  private final long dayEnd;
  private final long sessionOpen;
  private final long sessionClose;
  private final int[] commas = new int[FIELDS - 1];
  private long line = 1;

  TickReader(TickFile file, TradingSession session, ReplayTally tally) throws IOException {
    this.file = file;
    this.tally = tally;
    this.dayStart = TradingSession.EXTENDED.openMillis(file.date());
    this.dayEnd = TradingSession.EXTENDED.closeMillis(file.date());
    this.sessionOpen = session.openMillis(file.date());
    this.sessionClose = session.closeMillis(file.date());
    InputStream in = Files.newInputStream(file.path());
    try {
      if (file.path().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, BUFFER);
      }
      reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), BUFFER);
      String header = reader.readLine();
      if (header == null || !header.strip().equals(HEADER)) {
        throw new IOException("unexpected header " + header + " (expected " + HEADER + ")");
      }
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  public TickFile file() {
    return file;
  }

  /** The next trade that passes the filters, or {@code null} at the end of the file. */
  public Trade next() throws IOException {
    String text;
    while ((text = reader.readLine()) != null) {
      line++;
      if (text.isEmpty()) {
        continue;
      }
      Trade trade = parse(text);
      if (trade != null) {
        return trade;
      }
    }
    return null;
  }

  /** The trade on this line, or {@code null} when the line was counted as left out. */
  private Trade parse(String text) {
    int fields = 1;
    for (int from = 0, comma; fields < FIELDS && (comma = text.indexOf(',', from)) >= 0; from = comma + 1) {
      commas[fields++ - 1] = comma;
    }
    if (fields < FIELDS || text.indexOf(',', commas[FIELDS - 2] + 1) >= 0) {
      return bad("expected " + FIELDS + " fields");
    }
    long epochMs;
    double price;
    long size;
    try {
      epochMs = Long.parseLong(text, commas[0] + 1, commas[1], 10);
      price = Double.parseDouble(text.substring(commas[1] + 1, commas[2]));
      size = Long.parseLong(text, commas[2] + 1, commas[3], 10);
    } catch (NumberFormatException e) {
      return bad("unreadable epoch_ms, price or size in: " + text);
    }
    if (!(price > 0) || Double.isInfinite(price)) {
      return bad("price " + price + " is not a positive number");
    }
    if (size <= 0) {
      return bad("size " + size + " is not positive");
    }
    if (epochMs < dayStart || epochMs >= dayEnd) {
      return bad("time " + Instant.ofEpochMilli(epochMs) + " is not on " + file.date() + " (New York)");
    }
    int flag = commas[5] + 1;
    if (text.length() != flag + 1 || (text.charAt(flag) != '0' && text.charAt(flag) != '1')) {
      return bad("suspicious must be 0 or 1, got '" + text.substring(flag) + "'");
    }
    if (text.charAt(flag) == '1') {
      tally.filtered(SUSPICIOUS);
      return null;
    }
    if (epochMs < sessionOpen || epochMs >= sessionClose) {
      tally.filtered(OUTSIDE_SESSION);
      return null;
    }
    return new Trade(
        file.ticker(),
        Instant.ofEpochMilli(epochMs),
        price,
        size,
        file.sequence(line),
        text.substring(commas[3] + 1, commas[4]),
        text.substring(commas[4] + 1, commas[5]));
  }

  private Trade bad(String problem) {
    tally.badLine(file.path(), "line " + line + ": " + problem);
    return null;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
