package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.actors.TickerEntity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.Test;

class KafkaShardAlignmentTest {

  private static final List<String> TICKERS =
      List.of("AAPL", "MSFT", "SPY", "IBM", "AIG", "BAC", "BRK.B", "BF-B", "GOOGL", "ODFL", "WELL", "A", "ZZZZZZ");

  @Test
  void tickersLandInTheShardNumberedLikeTheirKafkaPartition() {
    for (int partitions : new int[] {1, 4, 8, 12, 128}) {
      var extractor = KafkaShardAlignment.extractor(partitions);
      for (String ticker : TICKERS) {
        int kafka = BuiltInPartitioner.partitionForKey(ticker.getBytes(StandardCharsets.UTF_8), partitions);
        assertThat(KafkaShardAlignment.partitionOf(ticker, partitions)).isEqualTo(kafka);
        assertThat(extractor.shardId(ticker)).isEqualTo(Integer.toString(kafka));
      }
    }
  }

  @Test
  void unwrapsTheEnvelopeEntityRefsSend() {
    var extractor = KafkaShardAlignment.extractor(4);
    TickerEntity.Command passivate = new TickerEntity.Passivate();
    ShardingEnvelope<TickerEntity.Command> envelope = new ShardingEnvelope<>("AAPL", passivate);
    assertThat(extractor.entityId(envelope)).isEqualTo("AAPL");
    assertThat(extractor.unwrapMessage(envelope)).isSameAs(passivate);
  }
}
