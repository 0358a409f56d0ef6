package io.tickcast.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AsciiStringsTest {

  private static String of(String s) {
    byte[] bytes = ("xx" + s + "yy").getBytes(StandardCharsets.US_ASCII);
    return AsciiStrings.of(bytes, 2, bytes.length - 4);
  }

  @Test
  void givesTheStringOfTheBytesAndTheSameInstanceForTheSameBytes() {
    String spy = of("SPY");
    assertThat(spy).isEqualTo("SPY");
    assertThat(of("SPY")).isSameAs(spy);
    assertThat(of("")).isEmpty();
    assertThat(of("BRK.B")).isEqualTo("BRK.B");
    String longer = "X".repeat(AsciiStrings.MAX_CACHED_LENGTH + 1);
    assertThat(of(longer)).isEqualTo(longer);
  }

  @Test
  void neverConfusesStringsThatShareASlotOrAHash() {
    // "Aa" and "BB" have the same String hash code
    assertThat(of("Aa")).isEqualTo("Aa");
    assertThat(of("BB")).isEqualTo("BB");
    assertThat(of("Aa")).isEqualTo("Aa");
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      char[] chars = new char[random.nextInt(AsciiStrings.MAX_CACHED_LENGTH + 3)];
      for (int j = 0; j < chars.length; j++) {
        chars[j] = (char) (32 + random.nextInt(95));
      }
      String s = new String(chars);
      assertThat(of(s)).isEqualTo(s);
    }
  }

  @Test
  void tellsAsciiFromTheRest() {
    byte[] bytes = "AÄB".getBytes(StandardCharsets.UTF_8);
    assertThat(AsciiStrings.isAscii(bytes, 0, 1)).isTrue();
    assertThat(AsciiStrings.isAscii(bytes, 0, bytes.length)).isFalse();
  }
}
