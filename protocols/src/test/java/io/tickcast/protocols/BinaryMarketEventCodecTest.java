package io.tickcast.protocols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryMarketEventCodecTest {

  private static final Trade TRADE =
      new Trade("SPY", Instant.parse("2013-10-07T13:30:00.123456789Z"), 168.87, 300, 201310070000042L, "P", "@F I");

  private static final Bar BAR =
      new Bar("BRK.B", Instant.parse("2021-04-21T00:00:00Z"), Duration.ofDays(1), 132.36, 133.75, 131.3, 133.5, 133.49, 68_847_136L);

  private static MarketEvent roundTrip(MarketEvent event) throws MalformedRecordException {
    byte[] bytes = MarketEventCodec.encode(event, WireFormat.BINARY);
    assertThat(bytes[0]).isEqualTo(BinaryMarketEventCodec.MAGIC);
    assertThat(bytes[1]).isEqualTo(BinaryMarketEventCodec.VERSION);
    assertThat(WireFormat.of(bytes)).isEqualTo(WireFormat.BINARY);
    return MarketEventCodec.decode(bytes);
  }

  @Test
  void roundTripsEveryFieldOfATradeExactly() throws Exception {
    assertThat(roundTrip(TRADE)).isEqualTo(TRADE);
    Trade extremes =
        new Trade("Ä€𝄞", Instant.MIN, -0.0, Long.MIN_VALUE, Long.MAX_VALUE, "é", "x".repeat(300));
    assertThat(roundTrip(extremes)).isEqualTo(extremes);
    Trade max = new Trade("A", Instant.MAX, Double.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, "", "");
    assertThat(roundTrip(max)).isEqualTo(max);
    for (double price : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, 0.1 + 0.2}) {
      Trade t = new Trade("X", Instant.EPOCH, price, 1, 2, "", "");
      Trade back = (Trade) roundTrip(t);
      assertThat(Double.doubleToRawLongBits(back.price())).isEqualTo(Double.doubleToRawLongBits(price));
    }
  }

  @Test
  void roundTripsNullsAndEmptyStringsDistinctly() throws Exception {
    Trade nulls = new Trade(null, null, 1.5, 1, 2, null, null);
    assertThat(roundTrip(nulls)).isEqualTo(nulls);
    Trade empties = new Trade("", Instant.EPOCH, 1.5, 1, 2, "", "");
    assertThat(roundTrip(empties)).isEqualTo(empties);
    Trade mixed = new Trade("IBM", Instant.parse("2013-10-07T13:30:00Z"), 180, 100, 3, null, "");
    assertThat(roundTrip(mixed)).isEqualTo(mixed);
    Trade mixed2 = new Trade("IBM", Instant.parse("1969-12-31T23:59:59.999999999Z"), 180, 100, 3, "", null);
    assertThat(roundTrip(mixed2)).isEqualTo(mixed2);
  }

  @Test
  void roundTripsEveryFieldOfABarExactly() throws Exception {
    assertThat(roundTrip(BAR)).isEqualTo(BAR);
    Bar odd = new Bar(null, null, null, -1, Double.NaN, 0, 1e300, -0.0, Long.MIN_VALUE);
    Bar back = (Bar) roundTrip(odd);
    assertThat(back).isEqualTo(odd);
    Bar minute = new Bar("AAPL", Instant.ofEpochSecond(-5, 7), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), 1, 2, 0.5, 1.5, 1.4, 0);
    assertThat(roundTrip(minute)).isEqualTo(minute);
    Bar nullInterval = new Bar("AAPL", Instant.EPOCH, null, 1, 2, 0.5, 1.5, 1.4, 7);
    assertThat(roundTrip(nullInterval)).isEqualTo(nullInterval);
  }

  @Test
  void isMuchSmallerThanJson() {
    int binary = MarketEventCodec.encode(TRADE, WireFormat.BINARY).length;
    int json = MarketEventCodec.encode(TRADE, WireFormat.JSON).length;
    assertThat(binary).isLessThan(json / 2);
  }

  @Test
  void theLayoutIsTheDocumentedOne() throws Exception {
    // Version 1 as written down in BinaryMarketEventCodec: other producers may rely on it.
    Trade trade = new Trade("AB", Instant.ofEpochSecond(2, 3), 1.0, 4, 5, "P", null);
    byte[] expected = {
      (byte) 0xB5, 1, 1, 0,
      2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, // time
      0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F, // price 1.0
      4, 0, 0, 0, 0, 0, 0, 0, // size
      5, 0, 0, 0, 0, 0, 0, 0, // sequence
      3, 'A', 'B', // ticker
      2, 'P', // exchange
      0 // condition: null
    };
    assertThat(MarketEventCodec.encode(trade, WireFormat.BINARY)).isEqualTo(expected);
    assertThat(MarketEventCodec.decode(expected)).isEqualTo(trade);
  }

  @Test
  void jsonRecordsStayReadable() throws Exception {
    byte[] json = MarketEventCodec.encode(TRADE, WireFormat.JSON);
    assertThat(WireFormat.of(json)).isEqualTo(WireFormat.JSON);
    assertThat(new String(json, StandardCharsets.UTF_8)).startsWith("{").contains("\"type\":\"trade\"");
    assertThat(MarketEventCodec.decode(json)).isEqualTo(TRADE);
    assertThat(MarketEventCodec.decode(MarketEventCodec.encode(BAR))).isEqualTo(BAR);
    // leading whitespace is still JSON
    assertThat(MarketEventCodec.decode((" \n" + new String(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(TRADE);
  }

  @Test
  void saysWhatIsWrongWithABadRecord() {
    byte[] good = MarketEventCodec.encode(TRADE, WireFormat.BINARY);
    assertMalformed(new byte[] {(byte) 0xB5}, "binary record truncated: 1 bytes, the header alone is 4");
    assertMalformed(new byte[] {(byte) 0xB5, 9, 1, 0}, "binary record of unknown version 9 (this reader knows version 1)");
    assertMalformed(with(good, 2, (byte) 7), "binary record of unknown kind 7 (1 = trade, 2 = bar)");
    assertMalformed(with(good, 3, (byte) 4), "binary trade has unknown null-field bits 0x04");
    assertMalformed(Arrays.copyOf(good, 20), "binary record truncated: trade needs at least 43 bytes, record has 20");
    assertMalformed(Arrays.copyOf(good, good.length - 1), "binary record truncated: condition of 4 bytes at offset");
    assertMalformed(Arrays.copyOf(good, good.length + 2), "binary trade has 2 bytes after its last field");
    // nanoseconds out of range (the top byte of the little-endian i32)
    assertMalformed(with(good, 15, (byte) 0xFF), "binary record: time nanoseconds");
    // seconds beyond Instant's range
    byte[] farFuture = good.clone();
    Arrays.fill(farFuture, 4, 11, (byte) 0xFF);
    farFuture[11] = 0x7F;
    assertMalformed(farFuture, "binary record: time of 9223372036854775807 s is out of range");
    // a null time that is not zeros
    assertMalformed(with(good, 3, (byte) 1), "binary record: null time must be written as zeros");
    // the ticker's bytes are not UTF-8
    byte[] badUtf8 = good.clone();
    int ticker = 4 + 12 + 24 + 1;
    badUtf8[ticker] = (byte) 0xC3;
    badUtf8[ticker + 1] = (byte) 0x28;
    assertMalformed(badUtf8, "binary record: ticker is not valid UTF-8");
    // a varint that does not end
    byte[] longVarint = Arrays.copyOf(good, 4 + 36 + 6);
    Arrays.fill(longVarint, 40, 46, (byte) 0x80);
    assertMalformed(longVarint, "binary record: length of ticker is not a varint of at most 5 bytes");
  }

  @Test
  void randomAndTruncatedBytesNeverThrowAnythingButMalformedRecordException() {
    Random random = new Random(20131007L);
    List<byte[]> seeds =
        List.of(
            MarketEventCodec.encode(TRADE, WireFormat.BINARY),
            MarketEventCodec.encode(BAR, WireFormat.BINARY),
            MarketEventCodec.encode(new Trade(null, null, 1, 2, 3, null, "é"), WireFormat.BINARY),
            MarketEventCodec.encode(TRADE, WireFormat.JSON),
            MarketEventCodec.encode(BAR, WireFormat.JSON));
    int decoded = 0;
    int refused = 0;
    for (byte[] seed : seeds) {
      // every truncation
      for (int n = 0; n < seed.length; n++) {
        byte[] cut = Arrays.copyOf(seed, n);
        if (outcome(cut)) {
          decoded++;
        } else {
          refused++;
        }
      }
      // random corruptions: overwritten bytes, some records cut or extended (JSON fails slowly,
      // with an exception stack per record: fewer of those)
      int corruptions = WireFormat.of(seed) == WireFormat.BINARY ? 20_000 : 1_000;
      for (int i = 0; i < corruptions; i++) {
        byte[] bytes = seed.clone();
        int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips; f++) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        if (random.nextInt(4) == 0) {
          bytes = Arrays.copyOf(bytes, Math.max(0, bytes.length + random.nextInt(9) - 4));
        }
        if (outcome(bytes)) {
          decoded++;
        } else {
          refused++;
        }
      }
    }
    // wholly random records, binary-looking or not
    for (int i = 0; i < 22_000; i++) {
      byte[] bytes = new byte[random.nextInt(80)];
      random.nextBytes(bytes);
      if (bytes.length > 0 && i % 11 != 0) {
        bytes[0] = BinaryMarketEventCodec.MAGIC;
        if (bytes.length > 1) {
          bytes[1] = BinaryMarketEventCodec.VERSION;
        }
        if (bytes.length > 2) {
          bytes[2] = (byte) (1 + random.nextInt(2));
        }
        if (bytes.length > 3 && random.nextBoolean()) {
          bytes[3] = 0;
        }
      }
      if (outcome(bytes)) {
        decoded++;
      } else {
        refused++;
      }
    }
    assertThat(refused).isPositive();
    assertThat(decoded).isPositive(); // corruptions of numbers alone still decode
  }

  /** True when the bytes decoded; false when refused with a reason; fails on anything else. */
  private static boolean outcome(byte[] bytes) {
    try {
      MarketEvent event = MarketEventCodec.decode(bytes);
      if (event == null) {
        fail("decoding " + Arrays.toString(bytes) + " returned null");
      }
      // what decodes re-encodes to a record that decodes to the same event
      if (WireFormat.of(bytes) == WireFormat.BINARY
          && !MarketEventCodec.decode(MarketEventCodec.encode(event, WireFormat.BINARY)).equals(event)) {
        fail("decoding " + Arrays.toString(bytes) + " gave " + event + ", which does not round-trip");
      }
      return true;
    } catch (MalformedRecordException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        fail("no reason for refusing " + Arrays.toString(bytes));
      }
      return false;
    } catch (Throwable t) {
      fail("decoding " + Arrays.toString(bytes) + " threw " + t, t);
      return false;
    }
  }

  private static byte[] with(byte[] bytes, int index, byte value) {
    byte[] copy = bytes.clone();
    copy[index] = value;
    return copy;
  }

  private static void assertMalformed(byte[] bytes, String reasonStart) {
    assertThatThrownBy(() -> MarketEventCodec.decode(bytes))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageStartingWith(reasonStart);
  }
}
