package io.tickcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.Bar;
import io.tickcast.protocols.BinaryMarketEventCodec;
import io.tickcast.protocols.MarketEventCodec;
import io.tickcast.protocols.Trade;
import io.tickcast.protocols.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaReplayTest {

  private static final Trade TRADE =
      new Trade("SPY", Instant.parse("2013-10-07T13:30:00.123Z"), 168.95, 300, 201310070000042L, "P", "1");

  @Test
  void recordsAreKeyedByTickerAndBinaryByDefault() throws Exception {
    ProducerRecord<String, byte[]> record = KafkaReplay.record("ticks", TRADE);

    assertThat(record.topic()).isEqualTo("ticks");
    assertThat(record.key()).isEqualTo("SPY");
    assertThat(record.value()[0]).isEqualTo(BinaryMarketEventCodec.MAGIC);
    assertThat(WireFormat.of(record.value())).isEqualTo(WireFormat.BINARY);
    assertThat(MarketEventCodec.decode(record.value())).isEqualTo(TRADE);
  }

  @Test
  void jsonOnRequest() throws Exception {
    ProducerRecord<String, byte[]> record = KafkaReplay.record("ticks", TRADE, WireFormat.JSON);

    assertThat(record.key()).isEqualTo("SPY");
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).startsWith("{").contains("\"type\":\"trade\"");
    assertThat(MarketEventCodec.decode(record.value())).isEqualTo(TRADE);
  }

  @Test
  void barsTooInEitherFormat() throws Exception {
    Bar bar = new Bar("AAPL", Instant.parse("2021-04-21T00:00:00Z"), Duration.ofDays(1), 132.36, 133.75, 131.3, 133.5, 133.5, 68_847_136L);
    for (WireFormat format : WireFormat.values()) {
      ProducerRecord<String, byte[]> record = KafkaReplay.record("ticks", bar, format);
      assertThat(record.key()).isEqualTo("AAPL");
      assertThat(WireFormat.of(record.value())).isEqualTo(format);
      assertThat(MarketEventCodec.decode(record.value())).isEqualTo(bar);
    }
  }

  @Test
  void wireFormatNames() {
    assertThat(WireFormat.parse("json")).isEqualTo(WireFormat.JSON);
    assertThat(WireFormat.parse(" Binary ")).isEqualTo(WireFormat.BINARY);
    assertThat(WireFormat.DEFAULT).isEqualTo(WireFormat.BINARY);
  }
}
