package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TickerKeyDeserializerTest {

  private final TickIngestor.TickerKeyDeserializer keys = new TickIngestor.TickerKeyDeserializer();

  @Test
  void readsKeysFromArraysAndFromSlicesOfFetchedBuffers() {
    assertThat(keys.deserialize("t", "SPY".getBytes(StandardCharsets.US_ASCII))).isEqualTo("SPY");
    ByteBuffer fetched = ByteBuffer.wrap("xxBRK.Byy".getBytes(StandardCharsets.US_ASCII));
    fetched.position(2).limit(7);
    ByteBuffer slice = fetched.slice(); // arrayOffset 2, as Kafka hands record keys over
    assertThat(keys.deserialize("t", new RecordHeaders(), slice)).isEqualTo("BRK.B");
    assertThat(slice.remaining()).isEqualTo(5); // not consumed
    assertThat(keys.deserialize("t", new RecordHeaders(), fetched)).isEqualTo("BRK.B");
    // the same ticker is the same string: key checks and per-ticker maps hit at once
    assertThat(keys.deserialize("t", new RecordHeaders(), ByteBuffer.wrap("SPY".getBytes(StandardCharsets.US_ASCII))))
        .isSameAs(keys.deserialize("t", "SPY".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void nullAndNonAsciiKeys() {
    assertThat(keys.deserialize("t", (byte[]) null)).isNull();
    assertThat(keys.deserialize("t", new RecordHeaders(), (ByteBuffer) null)).isNull();
    byte[] utf8 = "ÄPFEL".getBytes(StandardCharsets.UTF_8);
    assertThat(keys.deserialize("t", utf8)).isEqualTo("ÄPFEL");
    assertThat(keys.deserialize("t", new RecordHeaders(), ByteBuffer.wrap(utf8))).isEqualTo("ÄPFEL");
    ByteBuffer direct = ByteBuffer.allocateDirect(3).put("IBM".getBytes(StandardCharsets.US_ASCII)).flip();
    assertThat(keys.deserialize("t", new RecordHeaders(), direct)).isEqualTo("IBM");
  }
}
