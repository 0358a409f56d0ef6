package io.tickcast.protocols;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * The compact binary wire format of {@link MarketEvent}s ({@link WireFormat#BINARY}): a fixed
 * layout, no field names, times as epoch seconds + nanoseconds. Decoding a trade takes about a
 * tenth of a microsecond and two small allocations (the {@link Trade} and its {@link Instant}; the
 * short ASCII strings come from {@link AsciiStrings}); the JSON form takes microseconds.
 *
 * <h2>Layout, version 1</h2>
 *
 * Numbers are little-endian and fixed-width: {@code i32}, {@code i64}, {@code f64} (IEEE 754
 * bits). A {@code str} is a varint (unsigned LEB128, at most 5 bytes) holding {@code byte length
 * + 1}, then that many UTF-8 bytes; a varint of 0 is {@code null}. An {@code instant} or {@code
 * duration} is {@code i64} seconds then {@code i32} nanoseconds (0..999,999,999), both 0 when the
 * field is null (its bit in {@code nulls} says so).
 *
 * <pre>
 * byte 0   MAGIC   0xB5: never the first byte of a JSON text
 * byte 1   VERSION 1
 * byte 2   KIND    1 = trade, 2 = bar
 * byte 3   NULLS   bit set of null non-string fields (trade: bit 0 time; bar: bit 0 start,
 *                  bit 1 interval); other bits must be 0
 * trade:   time instant, price f64, size i64, sequence i64, ticker str, exchange str, condition str
 * bar:     start instant, interval duration, open f64, high f64, low f64, close f64,
 *          adjustedClose f64, volume i64, ticker str
 * </pre>
 *
 * Nothing may follow the last field. A later layout gets a new VERSION; this reader refuses
 * versions it does not know with a clear reason, and every version it once knew stays readable.
 *
 * <p>{@link #decode} throws nothing but {@link MalformedRecordException}, whatever the bytes.
 * Thread-safe.
 */
public final class BinaryMarketEventCodec {

  /** The first byte of every binary record. Not '{', whitespace, a digit or a UTF BOM byte. */
  public static final byte MAGIC = (byte) 0xB5;
  /** The layout this class writes. */
  public static final byte VERSION = 1;

  static final byte TRADE = 1;
  static final byte BAR = 2;

  private static final int HEADER = 4;
  private static final int TRADE_FIXED = HEADER + 12 + 8 + 8 + 8;
  private static final int BAR_FIXED = HEADER + 12 + 12 + 5 * 8 + 8;
  private static final int MAX_NANOS = 999_999_999;

  private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private BinaryMarketEventCodec() {}

  // ---- encoding -----------------------------------------------------------------------------

  public static byte[] encode(MarketEvent event) {
    if (event instanceof Trade trade) {
      return encode(trade);
    }
    if (event instanceof Bar bar) {
      return encode(bar);
    }
    throw new IllegalArgumentException("cannot encode " + event);
  }

  public static byte[] encode(Trade trade) {
    byte[] ticker = utf8(trade.ticker());
    byte[] exchange = utf8(trade.exchange());
    byte[] condition = utf8(trade.condition());
    byte[] out = new byte[TRADE_FIXED + stringSize(ticker) + stringSize(exchange) + stringSize(condition)];
    int at = header(out, TRADE, trade.time() == null ? 1 : 0);
    at = putInstant(out, at, trade.time());
    at = putDouble(out, at, trade.price());
    at = putLong(out, at, trade.size());
    at = putLong(out, at, trade.sequence());
    at = putString(out, at, ticker);
    at = putString(out, at, exchange);
    at = putString(out, at, condition);
    assert at == out.length;
    return out;
  }

  public static byte[] encode(Bar bar) {
    byte[] ticker = utf8(bar.ticker());
    byte[] out = new byte[BAR_FIXED + stringSize(ticker)];
    int nulls = (bar.start() == null ? 1 : 0) | (bar.interval() == null ? 2 : 0);
    int at = header(out, BAR, nulls);
    at = putInstant(out, at, bar.start());
    Duration interval = bar.interval();
    at = putLong(out, at, interval == null ? 0 : interval.getSeconds());
    at = putInt(out, at, interval == null ? 0 : interval.getNano());
    at = putDouble(out, at, bar.open());
    at = putDouble(out, at, bar.high());
    at = putDouble(out, at, bar.low());
    at = putDouble(out, at, bar.close());
    at = putDouble(out, at, bar.adjustedClose());
    at = putLong(out, at, bar.volume());
    at = putString(out, at, ticker);
    assert at == out.length;
    return out;
  }

  private static int header(byte[] out, byte kind, int nulls) {
    out[0] = MAGIC;
    out[1] = VERSION;
    out[2] = kind;
    out[3] = (byte) nulls;
    return HEADER;
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static int stringSize(byte[] utf8) {
    return utf8 == null ? 1 : varintSize(utf8.length + 1L) + utf8.length;
  }

  private static int varintSize(long value) {
    int size = 1;
    while (value >= 0x80) {
      value >>>= 7;
      size++;
    }
    return size;
  }

  private static int putString(byte[] out, int at, byte[] utf8) {
    if (utf8 == null) {
      out[at] = 0;
      return at + 1;
    }
    long value = utf8.length + 1L;
    while (value >= 0x80) {
      out[at++] = (byte) (value | 0x80);
      value >>>= 7;
    }
    out[at++] = (byte) value;
    System.arraycopy(utf8, 0, out, at, utf8.length);
    return at + utf8.length;
  }

  private static int putInstant(byte[] out, int at, Instant instant) {
    at = putLong(out, at, instant == null ? 0 : instant.getEpochSecond());
    return putInt(out, at, instant == null ? 0 : instant.getNano());
  }

  private static int putLong(byte[] out, int at, long value) {
    I64.set(out, at, value);
    return at + 8;
  }

  private static int putInt(byte[] out, int at, int value) {
    I32.set(out, at, value);
    return at + 4;
  }

  private static int putDouble(byte[] out, int at, double value) {
    // Raw bits: the value comes back exactly as it was, NaN payloads included.
    return putLong(out, at, Double.doubleToRawLongBits(value));
  }

  // ---- decoding -----------------------------------------------------------------------------

  /** Decodes a record whose first byte is {@link #MAGIC}. */
  public static MarketEvent decode(byte[] bytes) throws MalformedRecordException {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedRecordException("empty record");
    }
    if (bytes[0] != MAGIC) {
      throw new MalformedRecordException(String.format("binary record must start with 0x%02X, got 0x%02X", MAGIC, bytes[0]));
    }
    if (bytes.length < HEADER) {
      throw new MalformedRecordException("binary record truncated: " + bytes.length + " bytes, the header alone is " + HEADER);
    }
    if (bytes[1] != VERSION) {
      throw new MalformedRecordException(
          "binary record of unknown version " + (bytes[1] & 0xFF) + " (this reader knows version " + VERSION + ")");
    }
    Reader in = new Reader(bytes);
    MarketEvent event =
        switch (bytes[2]) {
          case TRADE -> trade(in, bytes[3]);
          case BAR -> bar(in, bytes[3]);
          default -> throw new MalformedRecordException("binary record of unknown kind " + (bytes[2] & 0xFF) + " (1 = trade, 2 = bar)");
        };
    if (in.at != bytes.length) {
      throw new MalformedRecordException(
          "binary " + kindName(bytes[2]) + " has " + (bytes.length - in.at) + " bytes after its last field");
    }
    return event;
  }

  private static Trade trade(Reader in, byte nulls) throws MalformedRecordException {
    in.need(TRADE_FIXED - HEADER + 3, "trade");
    checkNulls(nulls, 0b1, "trade");
    Instant time = in.instant((nulls & 1) != 0, "time");
    double price = in.f64();
    long size = in.i64();
    long sequence = in.i64();
    String ticker = in.string("ticker");
    String exchange = in.string("exchange");
    String condition = in.string("condition");
    return new Trade(ticker, time, price, size, sequence, exchange, condition);
  }

  private static Bar bar(Reader in, byte nulls) throws MalformedRecordException {
    in.need(BAR_FIXED - HEADER + 1, "bar");
    checkNulls(nulls, 0b11, "bar");
    Instant start = in.instant((nulls & 1) != 0, "start");
    Duration interval = in.duration((nulls & 2) != 0);
    double open = in.f64();
    double high = in.f64();
    double low = in.f64();
    double close = in.f64();
    double adjustedClose = in.f64();
    long volume = in.i64();
    String ticker = in.string("ticker");
    return new Bar(ticker, start, interval, open, high, low, close, adjustedClose, volume);
  }

  private static void checkNulls(byte nulls, int known, String kind) throws MalformedRecordException {
    if ((nulls & ~known) != 0) {
      throw new MalformedRecordException(String.format("binary %s has unknown null-field bits 0x%02X", kind, nulls & 0xFF));
    }
  }

  private static String kindName(byte kind) {
    return kind == TRADE ? "trade" : "bar";
  }

  /** A cursor over one record; every read is bounds-checked into a {@link MalformedRecordException}. */
  private static final class Reader {
    final byte[] bytes;
    int at = HEADER;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    void need(int n, String what) throws MalformedRecordException {
      if (bytes.length - at < n) {
        throw new MalformedRecordException(
            "binary record truncated: " + what + " needs at least " + (at + n) + " bytes, record has " + bytes.length);
      }
    }

    long i64() {
      long v = (long) I64.get(bytes, at);
      at += 8;
      return v;
    }

    int i32() {
      int v = (int) I32.get(bytes, at);
      at += 4;
      return v;
    }

    double f64() {
      return Double.longBitsToDouble(i64());
    }

    Instant instant(boolean isNull, String field) throws MalformedRecordException {
      long seconds = i64();
      int nanos = i32();
      if (isNull) {
        if (seconds != 0 || nanos != 0) {
          throw new MalformedRecordException("binary record: null " + field + " must be written as zeros");
        }
        return null;
      }
      checkNanos(nanos, field);
      try {
        return Instant.ofEpochSecond(seconds, nanos);
      } catch (DateTimeException e) {
        throw new MalformedRecordException("binary record: " + field + " of " + seconds + " s is out of range");
      }
    }

    Duration duration(boolean isNull) throws MalformedRecordException {
      long seconds = i64();
      int nanos = i32();
      if (isNull) {
        if (seconds != 0 || nanos != 0) {
          throw new MalformedRecordException("binary record: null interval must be written as zeros");
        }
        return null;
      }
      checkNanos(nanos, "interval");
      return Duration.ofSeconds(seconds, nanos);
    }

    private static void checkNanos(int nanos, String field) throws MalformedRecordException {
      if (nanos < 0 || nanos > MAX_NANOS) {
        throw new MalformedRecordException("binary record: " + field + " nanoseconds " + nanos + " not in 0..999999999");
      }
    }

    String string(String field) throws MalformedRecordException {
      long prefix = varint(field);
      if (prefix == 0) {
        return null;
      }
      long length = prefix - 1;
      if (length > bytes.length - at) {
        throw new MalformedRecordException(
            "binary record truncated: " + field + " of " + length + " bytes at offset " + at + ", record has " + bytes.length);
      }
      int n = (int) length;
      int from = at;
      at += n;
      // Symbols and codes are ASCII and repeat on every record: one cached string per value.
      // Anything else must be well-formed UTF-8.
      return AsciiStrings.isAscii(bytes, from, n) ? AsciiStrings.of(bytes, from, n) : strictUtf8(from, n, field);
    }

    private String strictUtf8(int from, int n, String field) throws MalformedRecordException {
      try {
        CharBuffer chars =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, from, n));
        return chars.toString();
      } catch (CharacterCodingException e) {
        throw new MalformedRecordException("binary record: " + field + " is not valid UTF-8");
      }
    }

    private long varint(String field) throws MalformedRecordException {
      long value = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        if (at >= bytes.length) {
          throw new MalformedRecordException("binary record truncated: length of " + field + " missing at offset " + at);
        }
        byte b = bytes[at++];
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new MalformedRecordException("binary record: length of " + field + " is not a varint of at most 5 bytes");
    }
  }
}
