package io.tickcast.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.actors.TickerEntity.Applied;
import io.tickcast.actors.TickerEntity.Ack;
import io.tickcast.actors.TickerEntity.ApplyEvents;
import io.tickcast.actors.TickerEntity.Outcome;
import io.tickcast.actors.TickerEntity.Sourced;
import io.tickcast.actors.TickerEntity.BarClosed;
import io.tickcast.actors.TickerEntity.Command;
import io.tickcast.actors.TickerEntity.Duplicate;
import io.tickcast.actors.TickerEntity.Event;
import io.tickcast.actors.TickerEntity.GetView;
import io.tickcast.actors.TickerEntity.Rejected;
import io.tickcast.actors.TickerEntity.SourcePosition;
import io.tickcast.actors.TickerEntity.State;
import io.tickcast.actors.TickerEntity.ViewReply;
import io.tickcast.features.IndicatorSet;
import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.TickerUpdate;
import io.tickcast.protocols.TickerView;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.pubsub.Topic.TopicStats;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TickerEntityTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static ActorTestKit testKit;
  private static List<Bar> aapl;

  private TestProbe<TickerUpdate> updates;
  private TestProbe<ModelPool.Command> models;
  private EventSourcedBehaviorTestKit<Command, Event, State> entity;

  @BeforeAll
  static void startKit() throws Exception {
    testKit = PersistenceTestKits.create();
    // Real bars from the data shipped with the project (AAPL: 4 splits in its history).
    aapl = DailyBarCsv.readStrict(Path.of("../data/sp500-daily/AAPL.csv.gz"));
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void freshEntity() {
    updates = testKit.createTestProbe();
    models = testKit.createTestProbe();
    ActorRef<Topic.Command<TickerUpdate>> topic = testKit.spawn(Topic.create(TickerUpdate.class, "updates"));
    topic.tell(Topic.subscribe(updates.ref()));
    // The topic handles messages in order: once it reports the subscriber, publishing reaches it.
    TestProbe<TopicStats> stats = testKit.createTestProbe();
    topic.tell(Topic.getTopicStats(stats.ref()));
    assertThat(stats.receiveMessage().localSubscriberCount()).isEqualTo(1);
    entity =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            TickerEntity.create("AAPL", topic, models.ref(), Clock.fixed(NOW, ZoneOffset.UTC), TickerEntity.Settings.defaults()),
            // State holds the mutable indicator set and is persisted in its snapshot form,
            // whose serialization round trip is checked by snapshotSurvivesSerialization.
            new EventSourcedBehaviorTestKit.SerializationSettings(true, true, true, true, false));
  }

  private CommandResultWithReply<Command, Event, State, Ack> apply(Bar bar, long offset) {
    return entity.<Ack>runCommand(
        replyTo -> new ApplyEvents(List.of(new Sourced(bar, new SourcePosition(0, offset))), bar.start(), replyTo));
  }

  /** What became of a single bar. */
  private Outcome outcome(Bar bar, long offset) {
    return apply(bar, offset).reply().outcomes().get(0);
  }

  private TickerView view() {
    return entity.<ViewReply>runCommand(GetView::new).reply().view();
  }

  @Test
  void aNewTickerHasNoView() {
    assertThat(view()).isNull();
  }

  @Test
  void appliesABarPersistsItAndPublishesTheUpdate() {
    Bar bar = aapl.get(0);
    var result = apply(bar, 41);
    assertThat(result.reply()).isEqualTo(new Ack(List.of(new Applied()), 1, -1));
    assertThat(result.event()).isEqualTo(new BarClosed(bar, Double.NaN, 0, Map.of(0, 41L), null, null, NOW));

    TickerView published = updates.expectMessageClass(TickerView.class);
    assertThat(published.bar()).isEqualTo(bar);
    assertThat(published.sequenceNr()).isEqualTo(1);
    assertThat(view()).isEqualTo(published);
  }

  @Test
  void indicatorsEqualTheOfflineComputationOverRealBars() {
    IndicatorSet offline = IndicatorSet.standard();
    for (int i = 0; i < 300; i++) {
      assertThat(outcome(aapl.get(i), i)).isInstanceOf(Applied.class);
      offline.update(aapl.get(i));
    }
    TickerView view = view();
    assertThat(view.bar()).isEqualTo(aapl.get(299));
    assertThat(view.barCount()).isEqualTo(300);
    assertThat(view.indicators()).isEqualTo(offline.values());
    assertThat(view.indicators().get("sma_20")).isNotNull();
  }

  @Test
  void ignoresARedeliveredOffsetAndAReplayedBar() {
    apply(aapl.get(0), 10);
    apply(aapl.get(1), 11);

    var redelivered = apply(aapl.get(1), 11);
    assertThat(redelivered.reply().outcomes().get(0)).isInstanceOf(Duplicate.class);
    assertThat(redelivered.hasNoEvents()).isTrue();

    // The same data produced again lands at new offsets: the bar time gives it away.
    var replayed = apply(aapl.get(1), 500);
    assertThat(replayed.reply().outcomes().get(0)).isInstanceOf(Duplicate.class);
    assertThat(replayed.hasNoEvents()).isTrue();
    assertThat(view().barCount()).isEqualTo(2);
  }

  @Test
  void rejectsABarOfAnotherTicker() {
    Bar msft =
        new Bar("MSFT", aapl.get(0).start(), aapl.get(0).interval(), 1, 2, 1, 2, 2, 10);
    var result = apply(msft, 1);
    assertThat(result.reply().outcomes().get(0)).isInstanceOf(Rejected.class);
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void recoversTheSameStateFromSnapshotAndEvents() {
    int n = TickerEntity.SNAPSHOT_EVERY * 2 + 37; // two snapshots, then events after the last one
    for (int i = 0; i < n; i++) {
      apply(aapl.get(i), i);
    }
    TickerView before = view();

    entity.restart();

    // Why the newest bar has no prediction (nobody answers here) is not durable, by design.
    assertThat(view()).usingRecursiveComparison().ignoringFields("predictionUnavailable").isEqualTo(before);
    // and it goes on from where it was: dedup state survived too
    assertThat(outcome(aapl.get(n - 1), n - 1)).isInstanceOf(Duplicate.class);
    assertThat(apply(aapl.get(n), n).reply()).isEqualTo(new Ack(List.of(new Applied()), n + 1, -1));
  }

  @Test
  void snapshotSurvivesSerialization() {
    for (int i = 0; i < 150; i++) {
      apply(aapl.get(i), i);
    }
    TickerView before = view();
    Object snapshot = TickerEntity.SNAPSHOTS.toJournal(entity.getState());
    Object roundTripped = new SerializationTestKit(testKit.system()).verifySerialization(snapshot, false);

    TickerEntity.Active restored = (TickerEntity.Active) TickerEntity.SNAPSHOTS.fromJournal(roundTripped);
    assertThat(restored.indicators().values()).isEqualTo(before.indicators());
    assertThat(restored.lastBar()).isEqualTo(before.bar());
    assertThat(restored.offsets()).containsEntry(0, 149L);
    // the restored indicators continue exactly like the live ones
    restored.indicators().update(aapl.get(150));
    apply(aapl.get(150), 150);
    assertThat(restored.indicators().values()).isEqualTo(view().indicators());
  }
}
