package io.tickcast.actors;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tickcast.actors.TickerEntity.BarClosed;
import io.tickcast.actors.TickerEntity.PredictionResolved;
import io.tickcast.protocols.Bar;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Times in journal events are written as numbers (serialization.conf); events written before
 * that, with ISO-8601 text, must still read back to the same values.
 */
class JournalTimesTest {

  private static ActorTestKit now;
  private static ActorTestKit before;

  @BeforeAll
  static void start() {
    now = PersistenceTestKits.create();
    // The serializer as it was configured before: Pekko's default, times as ISO-8601 text.
    before =
        ActorTestKit.create(
            ConfigFactory.parseString(
                    "pekko.serialization.jackson.jackson-cbor.serialization-features {"
                        + " WRITE_DATES_AS_TIMESTAMPS = off, WRITE_DURATIONS_AS_TIMESTAMPS = off }")
                .withFallback(ConfigFactory.parseResources("serialization.conf"))
                .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    now.shutdownTestKit();
    before.shutdownTestKit();
  }

  private static final Instant RECORDED = Instant.parse("2026-11-27T15:04:05.123456789Z");

  private static final List<TickerEntity.Event> EVENTS =
      List.of(
          new BarClosed(
              new Bar("SPY", Instant.parse("2013-10-07T13:30:00Z"), Duration.ofMinutes(1), 168.9, 169.1, 168.8, 169.0, 169.0, 1_234_567),
              168.95, 4_210, Map.of(0, 41L, 3, 7L), null, null, RECORDED),
          new PredictionResolved(
              Instant.parse("2013-10-07T13:30:00Z"), "tickcast-linear-h1", "3", 0.0004, -0.0002, Instant.parse("2013-10-07T13:31:00Z")));

  @Test
  void eventsWrittenWithTextTimesStillReadBack() {
    Serialization old = SerializationExtension.get(before.system().classicSystem());
    Serialization current = SerializationExtension.get(now.system().classicSystem());
    for (TickerEntity.Event event : EVENTS) {
      byte[] text = old.serialize(event).get();
      assertThat(new String(text, StandardCharsets.ISO_8859_1)).contains("2013-10-07T13:3");
      Object read =
          current.deserialize(text, old.findSerializerFor(event).identifier(), Serializers.manifestFor(old.findSerializerFor(event), event)).get();
      assertThat(read).isEqualTo(event);
    }
  }

  @Test
  void eventsNowCarryTimesAsNumbersToTheNanosecond() {
    Serialization current = SerializationExtension.get(now.system().classicSystem());
    for (TickerEntity.Event event : EVENTS) {
      byte[] bytes = current.serialize(event).get();
      assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("2013-10-07T13:3").doesNotContain("PT1M");
      Object read =
          current.deserialize(bytes, current.findSerializerFor(event).identifier(), Serializers.manifestFor(current.findSerializerFor(event), event)).get();
      assertThat(read).isEqualTo(event);
    }
  }
}
