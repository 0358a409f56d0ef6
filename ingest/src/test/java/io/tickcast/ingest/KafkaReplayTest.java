package io.tickcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.MarketEventCodec;
import io.tickcast.protocols.Trade;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaReplayTest {

  @Test
  void recordsAreKeyedByTickerAndCarryTheTopicsJson() throws Exception {
    Trade trade = new Trade("SPY", Instant.parse("2013-10-07T13:30:00.123Z"), 168.95, 300, 201310070000042L, "P", "1");

    ProducerRecord<String, byte[]> record = KafkaReplay.record("ticks", trade);

    assertThat(record.topic()).isEqualTo("ticks");
    assertThat(record.key()).isEqualTo("SPY");
    assertThat(MarketEventCodec.decode(record.value())).isEqualTo(trade);
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"type\":\"trade\"");
  }
}
