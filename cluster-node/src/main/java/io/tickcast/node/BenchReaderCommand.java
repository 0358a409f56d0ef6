package io.tickcast.node;

import io.tickcast.node.BenchIngestCommand.CpuMeter;
import io.tickcast.node.BenchIngestCommand.Rate;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.MalformedRecordException;
import io.tickcast.protocols.MarketEventCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-ingest}'s plain Kafka consumer, in a JVM of its own as the node is: it reads the
 * copies one after another, each from its first offsets with a consumer of its own, and writes
 * one {@link Rate} per copy. Both readers then start with a cold JIT and warm over the same
 * copies; in the benchmark's JVM the consumer met a JIT already busy with the producer's code.
 */
@Command(name = "bench-ingest-reader", hidden = true, description = "bench-ingest's plain consumer (internal).")
final class BenchReaderCommand implements Callable<Integer> {

  /**
   * What to read: the copies' offsets per partition (the last entry is where the last copy
   * ends), the records in each copy, and whether to decode them.
   */
  record Plan(String bootstrapServers, String topic, List<Map<Integer, Long>> bounds, long perCopy, boolean decode) {

    int copies() {
      return bounds.size() - 1;
    }

    Map<TopicPartition, Long> offsets(int index) {
      Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
      bounds.get(index).forEach((partition, offset) -> offsets.put(new TopicPartition(topic, partition), offset));
      return offsets;
    }
  }

  @Option(names = "--plan", required = true)
  Path plan;

  @Option(names = "--out", required = true)
  Path out;

  @Override
  public Integer call() throws Exception {
    Plan plan = Json.MAPPER.readValue(this.plan.toFile(), Plan.class);
    List<Rate> rates = new ArrayList<>();
    try (ProducerSystem reader =
        ProducerSystem.start(NodeConfig.load(Map.of("tickcast.kafka.bootstrap-servers", plan.bootstrapServers())))) {
      for (int copy = 1; copy <= plan.copies(); copy++) {
        System.out.printf(
            "%n--- run %d of %d, topic %s, plain consumer%s (its own JVM)%n",
            copy, plan.copies(), plan.topic(), plan.decode() ? " + decoding" : "");
        rates.add(read(reader.system(), plan, copy));
      }
    }
    Json.MAPPER.writeValue(out.toFile(), rates);
    return 0;
  }

  /** Reads copy {@code copy} (1-based) once; returns its rate and this JVM's CPU per record. */
  private static Rate read(ActorSystem<?> system, Plan plan, int copy) throws Exception {
    Map<TopicPartition, Long> from = plan.offsets(copy - 1);
    Map<TopicPartition, Long> to = plan.offsets(copy);
    ConsumerSettings<String, byte[]> settings =
        ConsumerSettings.create(system, new StringDeserializer(), new ByteArrayDeserializer())
            .withBootstrapServers(plan.bootstrapServers())
            // Nothing to commit, so no reason to linger (stop-timeout) into the next measurement.
            .withStopTimeout(Duration.ZERO);
    CpuMeter cpu = new CpuMeter(plan.perCopy(), ProcessHandle.current());
    long[] first = new long[1];
    long[] malformed = new long[1];
    Consumer.plainSource(settings, Subscriptions.assignmentWithOffset(from))
        .map(r -> {
          if (first[0] == 0) {
            first[0] = System.nanoTime();
          }
          return r;
        })
        // A partition's fetches run on into the next copy; those records are not this copy's.
        .filter(r -> r.offset() < to.get(new TopicPartition(r.topic(), r.partition())))
        .take(plan.perCopy())
        .runForeach(
            r -> {
              if (plan.decode()) {
                try {
                  MarketEventCodec.decode(r.value());
                } catch (MalformedRecordException e) {
                  malformed[0]++;
                }
              }
            },
            system)
        .toCompletableFuture()
        .get(30, TimeUnit.MINUTES);
    long elapsed = System.nanoTime() - first[0];
    BenchIngestCommand.report(plan.decode() ? "plain Kafka consumer + decoding" : "plain Kafka consumer (bytes)", plan.perCopy(), elapsed);
    if (malformed[0] > 0) {
      System.out.printf("  malformed: %d%n", malformed[0]);
    }
    return cpu.rate(plan.perCopy(), elapsed);
  }
}
