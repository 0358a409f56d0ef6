package io.tickcast.node;

import io.tickcast.actors.TickerEntity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
import org.apache.pekko.kafka.TopicPartitionsAssigned;
import org.apache.pekko.kafka.TopicPartitionsRevoked;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One Kafka partition of the ticks topic is one shard of ticker entities, and that shard lives on
 * the node whose consumer owns the partition, so a node's records go to entities in its own JVM.
 * Tickers map to shards exactly as Kafka's default partitioner maps keys to partitions (murmur2);
 * the consumer's rebalance listener moves shards along with their partitions (external shard
 * allocation). This is what pekko-connectors-kafka-cluster-sharding does; that module is not
 * available from the registries this project builds from.
 */
final class KafkaShardAlignment {

  private KafkaShardAlignment() {}

  /** The partition Kafka's default partitioner gives records keyed by {@code ticker}. */
  static int partitionOf(String ticker, int partitions) {
    return Utils.toPositive(Utils.murmur2(ticker.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  static ShardingMessageExtractor<ShardingEnvelope<TickerEntity.Command>, TickerEntity.Command> extractor(int partitions) {
    return new ShardingMessageExtractor<>() {
      @Override
      public String entityId(ShardingEnvelope<TickerEntity.Command> envelope) {
        return envelope.entityId();
      }

      @Override
      public String shardId(String entityId) {
        return Integer.toString(partitionOf(entityId, partitions));
      }

      @Override
      public TickerEntity.Command unwrapMessage(ShardingEnvelope<TickerEntity.Command> envelope) {
        return envelope.message();
      }
    };
  }

  /** Told of the consumer's partition assignments: the assigned partitions' shards move here. */
  static Behavior<ConsumerRebalanceEvent> rebalanceListener() {
    return Behaviors.<Object>setup(
            ctx -> {
              ExternalShardAllocationClient client =
                  ExternalShardAllocation.get((org.apache.pekko.actor.ClassicActorSystemProvider) ctx.getSystem())
                      .getClient(TickerEntity.ENTITY_KEY.name());
              Address self = Cluster.get(ctx.getSystem()).selfMember().address();
              // Partitions consumed here now: a retry moves only the shards of those.
              Set<String> assignedHere = new HashSet<>();
              return Behaviors.withTimers(
                  timers ->
                      Behaviors.receive(Object.class)
                          .onMessage(
                              TopicPartitionsAssigned.class,
                              assigned -> {
                                Map<String, Address> locations = new HashMap<>();
                                for (TopicPartition tp : CollectionConverters.asJava(assigned.topicPartitions())) {
                                  locations.put(Integer.toString(tp.partition()), self);
                                }
                                ctx.getLog().info("Partitions assigned here, moving their shards here: {}", locations.keySet());
                                assignedHere.addAll(locations.keySet());
                                return setLocations(ctx, client, new SetLocations(locations, 1));
                              })
                          .onMessage(
                              TopicPartitionsRevoked.class,
                              revoked -> {
                                for (TopicPartition tp : CollectionConverters.asJava(revoked.topicPartitions())) {
                                  assignedHere.remove(Integer.toString(tp.partition()));
                                }
                                return Behaviors.same();
                              })
                          .onMessage(
                              SetLocations.class,
                              retry -> {
                                Map<String, Address> still = new HashMap<>(retry.locations());
                                still.keySet().retainAll(assignedHere);
                                return still.isEmpty()
                                    ? Behaviors.same()
                                    : setLocations(ctx, client, new SetLocations(still, retry.attempt()));
                              })
                          .onMessage(
                              LocationsFailed.class,
                              failed -> {
                                // The update goes through distributed data, which times out while
                                // the cluster is still forming; left failed, partitions and shards
                                // would stay apart for good.
                                Duration backoff = Duration.ofSeconds(Math.min(30, 1L << Math.min(failed.update().attempt(), 5)));
                                ctx.getLog().warn(
                                    "Moving shards {} here failed (attempt {}): {}; retrying in {}",
                                    failed.update().locations().keySet(), failed.update().attempt(), failed.cause().getMessage(), backoff);
                                timers.startSingleTimer(
                                    failed.update().locations().keySet(),
                                    new SetLocations(failed.update().locations(), failed.update().attempt() + 1),
                                    backoff);
                                return Behaviors.same();
                              })
                          .onMessageEquals(LocationsSet.INSTANCE, Behaviors::same)
                          .build());
            })
        .narrow();
  }

  /** One try at moving {@code locations}' shards here. */
  private record SetLocations(Map<String, Address> locations, int attempt) {}

  private record LocationsFailed(SetLocations update, Throwable cause) {}

  private enum LocationsSet {
    INSTANCE
  }

  private static Behavior<Object> setLocations(
      ActorContext<Object> ctx, ExternalShardAllocationClient client, SetLocations update) {
    ctx.pipeToSelf(
        client.setShardLocations(update.locations()),
        (done, failure) -> failure == null ? LocationsSet.INSTANCE : new LocationsFailed(update, failure));
    return Behaviors.same();
  }
}
