package io.tickcast.node;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/** Tickcast's topics: created when missing (dev mode, tests, replay), and read by the tools. */
public final class KafkaTopics {

  private KafkaTopics() {}

  /** Creates each topic that does not exist yet, with {@code partitions} partitions. */
  public static void ensure(String bootstrapServers, int partitions, String... topics) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      for (String topic : topics) {
        create(admin, bootstrapServers, topic, partitions);
      }
    }
  }

  /** The partition count of an existing topic. */
  public static int partitions(String bootstrapServers, String topic) {
    return read(bootstrapServers, topic, admin -> partitions(admin, topic));
  }

  /** Where each partition of an existing topic ends now (the offset its next record will get). */
  public static Map<TopicPartition, Long> endOffsets(String bootstrapServers, String topic) {
    return read(
        bootstrapServers,
        topic,
        admin -> {
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          for (int partition = 0, n = partitions(admin, topic); partition < n; partition++) {
            latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
          }
          Map<TopicPartition, Long> ends = new HashMap<>();
          admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
          return ends;
        });
  }

  private static int partitions(Admin admin, String topic) throws ExecutionException, InterruptedException, TimeoutException {
    return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
  }

  /** A question to Kafka's admin API about {@code topic}. */
  private interface Query<T> {
    T ask(Admin admin) throws ExecutionException, InterruptedException, TimeoutException;
  }

  private static <T> T read(String bootstrapServers, String topic, Query<T> query) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      return query.ask(admin);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read topic " + topic + " at " + bootstrapServers + " (create it first, e.g. ./tickcast replay): "
              + e.getCause().getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading topic " + topic, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer about " + topic + " in 30 s", e);
    }
  }

  private static void create(Admin admin, String bootstrapServers, String topic, int partitions) {
    try {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + bootstrapServers + " did not create " + topic + " in 30 s", e);
    }
  }
}
