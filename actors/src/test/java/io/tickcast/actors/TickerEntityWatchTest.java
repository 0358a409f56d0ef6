package io.tickcast.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.actors.TickerEntity.Ack;
import io.tickcast.actors.TickerEntity.AddWatch;
import io.tickcast.actors.TickerEntity.AlertFired;
import io.tickcast.actors.TickerEntity.ApplyEvents;
import io.tickcast.actors.TickerEntity.BarClosed;
import io.tickcast.actors.TickerEntity.Command;
import io.tickcast.actors.TickerEntity.DeliverWebhook;
import io.tickcast.actors.TickerEntity.Event;
import io.tickcast.actors.TickerEntity.GetView;
import io.tickcast.actors.TickerEntity.GetWatch;
import io.tickcast.actors.TickerEntity.GetWatches;
import io.tickcast.actors.TickerEntity.RecordWebhookOutcome;
import io.tickcast.actors.TickerEntity.RemoveWatch;
import io.tickcast.actors.TickerEntity.SourcePosition;
import io.tickcast.actors.TickerEntity.Sourced;
import io.tickcast.actors.TickerEntity.State;
import io.tickcast.actors.TickerEntity.ViewReply;
import io.tickcast.actors.TickerEntity.WatchAdded;
import io.tickcast.actors.TickerEntity.WatchList;
import io.tickcast.actors.TickerEntity.WatchOk;
import io.tickcast.actors.TickerEntity.WatchRearmed;
import io.tickcast.actors.TickerEntity.WatchRefused;
import io.tickcast.actors.TickerEntity.WatchRemoved;
import io.tickcast.actors.TickerEntity.WatchReply;
import io.tickcast.actors.TickerEntity.WebhookDelivered;
import io.tickcast.actors.TickerEntity.WebhookFailed;
import io.tickcast.protocols.AlertUpdate;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.PredictionUpdate;
import io.tickcast.protocols.TickerUpdate;
import io.tickcast.protocols.TickerView;
import io.tickcast.protocols.Watch;
import io.tickcast.protocols.WatchCondition;
import io.tickcast.protocols.WatchCondition.Direction;
import io.tickcast.protocols.WatchView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
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

/** The entity's side of watches: evaluation on bars and predictions, persistence, delivery hand-off. */
class TickerEntityWatchTest {

  private static final Instant DAY0 = Instant.parse("2024-01-02T00:00:00Z");
  private static final String HOOK = "https://hooks.example.com/tickcast";
  private static ActorTestKit testKit;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
  private TestProbe<TickerUpdate> updates;
  private TestProbe<ModelPool.Command> models;
  private TestProbe<DeliverWebhook> webhooks;
  private EventSourcedBehaviorTestKit<Command, Event, State> entity;
  private int day;

  @BeforeAll
  static void startKit() {
    testKit = PersistenceTestKits.create();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void freshEntity() {
    updates = testKit.createTestProbe();
    models = testKit.createTestProbe();
    webhooks = testKit.createTestProbe();
    ActorRef<Topic.Command<TickerUpdate>> topic = testKit.spawn(Topic.create(TickerUpdate.class, "updates"));
    topic.tell(Topic.subscribe(updates.ref()));
    TestProbe<TopicStats> stats = testKit.createTestProbe();
    topic.tell(Topic.getTopicStats(stats.ref()));
    assertThat(stats.receiveMessage().localSubscriberCount()).isEqualTo(1);
    entity =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            TickerEntity.create("AAPL", topic, models.ref(), webhooks.ref(), clock, TickerEntity.Settings.defaults()),
            new EventSourcedBehaviorTestKit.SerializationSettings(true, true, true, true, false));
  }

  /** One daily bar closing at {@code close}, the day after the previous one. */
  private CommandResultWithReply<Command, Event, State, Ack> close(double close) {
    Bar bar =
        new Bar(
            "AAPL", DAY0.plus(Duration.ofDays(day)), Duration.ofDays(1), close, close * 1.01, close * 0.99, close, close,
            1000 + day % 5 * 100);
    long offset = day++;
    return entity.runCommand(
        replyTo -> new ApplyEvents(List.of(new Sourced(bar, new SourcePosition(0, offset))), bar.start(), replyTo));
  }

  private static Watch watch(String owner, WatchCondition condition, Duration cooldown, String webhook) {
    return new Watch(
        Watch.newId("AAPL"), owner, "AAPL", condition, cooldown, new Watch.Delivery(true, webhook),
        Instant.parse("2026-01-01T00:00:00Z"));
  }

  private WatchView add(Watch watch) {
    CommandResultWithReply<Command, Event, State, WatchReply> result = entity.runCommand(replyTo -> new AddWatch(watch, replyTo));
    assertThat(result.event()).isInstanceOf(WatchAdded.class);
    return ((WatchOk) result.reply()).watch();
  }

  private WatchView get(String watchId) {
    return ((WatchOk) entity.<WatchReply>runCommand(replyTo -> new GetWatch(watchId, replyTo)).reply()).watch();
  }

  private TickerView view() {
    return entity.<ViewReply>runCommand(GetView::new).reply().view();
  }

  private AlertUpdate nextAlert() {
    List<TickerUpdate> fished =
        updates.fishForMessage(
            Duration.ofSeconds(3),
            u -> u instanceof AlertUpdate ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return (AlertUpdate) fished.get(fished.size() - 1);
  }

  private static List<Class<?>> types(List<Event> events) {
    return events.stream().<Class<?>>map(Object::getClass).toList();
  }

  @Test
  void aTickerWithoutDataTakesNoWatch() {
    WatchReply reply =
        entity.<WatchReply>runCommand(
                replyTo -> new AddWatch(watch("ada", new WatchCondition.PriceCross(Direction.ABOVE, 1), Duration.ZERO, null), replyTo))
            .reply();
    assertThat(reply).isInstanceOf(WatchRefused.class);
    assertThat(((WatchRefused) reply).code()).isEqualTo("unknown-ticker");
  }

  @Test
  void firesOncePerCrossingInTheSameWriteAsTheBarAndPublishesTheAlert() {
    close(100);
    WatchView created = add(watch("ada", new WatchCondition.PriceCross(Direction.ABOVE, 110), Duration.ZERO, null));
    assertThat(created.conditionHolds()).isFalse();
    assertThat(created.alerts()).isZero();

    assertThat(types(close(105).events())).containsExactly(BarClosed.class);
    var crossing = close(112);
    assertThat(types(crossing.events())).containsExactly(BarClosed.class, AlertFired.class);
    AlertUpdate alert = ((AlertFired) crossing.events().get(1)).alert();
    assertThat(alert.watchId()).isEqualTo(created.id());
    assertThat(alert.owner()).isEqualTo("ada");
    assertThat(alert.value()).isEqualTo(112.0);
    assertThat(alert.asOf()).isEqualTo(DAY0.plus(Duration.ofDays(2)));
    assertThat(alert.firedAt()).isEqualTo(clock.instant());
    // Numbered like the event that records it.
    assertThat(alert.sequenceNr()).isEqualTo(view().sequenceNr());
    assertThat(nextAlert()).isEqualTo(alert);

    assertThat(types(close(115).events())).containsExactly(BarClosed.class);
    assertThat(types(close(108).events())).containsExactly(BarClosed.class, WatchRearmed.class);
    assertThat(types(close(111).events())).containsExactly(BarClosed.class, AlertFired.class);
    assertThat(nextAlert().value()).isEqualTo(111.0);

    WatchView after = get(created.id());
    assertThat(after.alerts()).isEqualTo(2);
    assertThat(after.conditionHolds()).isTrue();
    assertThat(after.webhook()).isNull();
    webhooks.expectNoMessage(Duration.ZERO);
  }

  @Test
  void aConditionThatHoldsAtCreationWaitsForTheNextCrossing() {
    close(120);
    WatchView created = add(watch("ada", new WatchCondition.PriceCross(Direction.ABOVE, 110), Duration.ZERO, null));
    assertThat(created.conditionHolds()).isTrue();
    assertThat(types(close(125).events())).containsExactly(BarClosed.class);
    assertThat(types(close(100).events())).containsExactly(BarClosed.class, WatchRearmed.class);
    assertThat(types(close(115).events())).containsExactly(BarClosed.class, AlertFired.class);
  }

  @Test
  void respectsTheCooldown() {
    close(100);
    add(watch("ada", new WatchCondition.PriceCross(Direction.BELOW, 90), Duration.ofHours(1), null));
    assertThat(types(close(89).events())).containsExactly(BarClosed.class, AlertFired.class);
    close(95);
    clock.advance(Duration.ofMinutes(30));
    assertThat(types(close(85).events())).containsExactly(BarClosed.class); // crossed within the hour
    clock.advance(Duration.ofMinutes(31));
    var later = close(84); // still below once the hour is over
    assertThat(types(later.events())).containsExactly(BarClosed.class, AlertFired.class);
    assertThat(((AlertFired) later.events().get(1)).alert().value()).isEqualTo(84.0);
  }

  @Test
  void evaluatesIndicatorsAsTheyAreAfterTheBar() {
    for (int i = 0; i < 20; i++) {
      close(100 + i); // only gains: RSI 100
    }
    WatchView created = add(watch("ada", new WatchCondition.IndicatorCross("rsi_14", Direction.BELOW, 50), Duration.ZERO, null));
    assertThat(created.conditionHolds()).isFalse();
    AlertFired fired = null;
    for (double price = 118; fired == null; price -= 2) {
      var result = close(price);
      if (result.events().size() > 1) {
        fired = (AlertFired) result.events().get(1);
      }
    }
    assertThat(fired.alert().value()).isLessThan(50).isEqualTo(view().indicators().get("rsi_14"));
  }

  @Test
  void evaluatesEachServedPrediction() {
    // Enough bars for the feature vector: then the entity asks the model pool.
    ModelPool.Predict request = null;
    for (int i = 0; i < 60 && request == null; i++) {
      close(100 + i % 7);
      if (view().predictionUnavailable() == null) {
        request = models.expectMessageClass(ModelPool.Predict.class);
      }
    }
    assertThat(request).isNotNull();
    WatchView created = add(watch("ada", new WatchCondition.PredictedReturn(Direction.ABOVE, 0.01), Duration.ZERO, HOOK));
    Prediction p =
        new Prediction(
            "AAPL", request.asOf(), 1, request.lastClose(), 0.02, request.lastClose() * Math.exp(0.02), List.of(), 0.7, "m", "v1",
            request.features(), clock.instant());
    request.replyTo().tell(new ModelPool.Predicted(p));

    AlertUpdate alert = nextAlert();
    assertThat(alert.value()).isEqualTo(0.02);
    assertThat(alert.asOf()).isEqualTo(request.asOf());
    assertThat(webhooks.receiveMessage()).isEqualTo(new DeliverWebhook(alert, HOOK, 1));
    WatchView after = get(created.id());
    assertThat(after.alerts()).isEqualTo(1);
    assertThat(after.webhook().pending()).isEqualTo(1);
    assertThat(view().prediction()).isEqualTo(p);
  }

  @Test
  void recordsWebhookOutcomesOnceAndShowsTheLastFailure() {
    close(100);
    WatchView created = add(watch("ada", new WatchCondition.PriceCross(Direction.ABOVE, 110), Duration.ZERO, HOOK));
    close(111);
    DeliverWebhook first = webhooks.receiveMessage();
    assertThat(first.url()).isEqualTo(HOOK);
    assertThat(first.attempt()).isEqualTo(1);
    String alertId = first.alert().alertId();
    Instant at = clock.instant();

    var failed = entity.runCommand(new RecordWebhookOutcome(new WebhookFailed(created.id(), alertId, 1, "HTTP 500", false, at)));
    assertThat(failed.events()).hasSize(1);
    WatchView.WebhookStatus status = get(created.id()).webhook();
    assertThat(status.pending()).isEqualTo(1);
    assertThat(status.lastFailure()).isEqualTo(new WatchView.DeliveryFailure(alertId, 1, "HTTP 500", at, false));

    var delivered = entity.runCommand(new RecordWebhookOutcome(new WebhookDelivered(created.id(), alertId, 2, at)));
    assertThat(delivered.events()).hasSize(1);
    assertThat(entity.runCommand(new RecordWebhookOutcome(new WebhookDelivered(created.id(), alertId, 2, at))).hasNoEvents())
        .isTrue();
    status = get(created.id()).webhook();
    assertThat(status.pending()).isZero();
    assertThat(status.delivered()).isEqualTo(1);
    assertThat(status.lastDeliveredAt()).isEqualTo(at);
    assertThat(status.lastFailure().attempt()).isEqualTo(1); // still visible

    close(100);
    close(112);
    String second = webhooks.receiveMessage().alert().alertId();
    entity.runCommand(new RecordWebhookOutcome(new WebhookFailed(created.id(), second, 8, "connection refused", true, at)));
    status = get(created.id()).webhook();
    assertThat(status.pending()).isZero();
    assertThat(status.failed()).isEqualTo(1);
    assertThat(status.lastFailure().gaveUp()).isTrue();
  }

  @Test
  void watchesAndPendingDeliveriesSurviveRestartsAndSnapshots() {
    close(100);
    WatchView created = add(watch("ada", new WatchCondition.PriceCross(Direction.ABOVE, 110), Duration.ofDays(1), HOOK));
    close(111);
    DeliverWebhook pending = webhooks.receiveMessage();
    entity.runCommand(
        new RecordWebhookOutcome(new WebhookFailed(created.id(), pending.alert().alertId(), 1, "HTTP 503", false, clock.instant())));
    WatchView before = get(created.id());

    entity.restart(); // from events alone
    assertThat(get(created.id())).isEqualTo(before);
    // The deliverer may have gone with the old incarnation: the pending alert is handed over again.
    assertThat(webhooks.receiveMessage()).isEqualTo(new DeliverWebhook(pending.alert(), HOOK, 2));

    for (int i = 0; i < TickerEntity.SNAPSHOT_EVERY + 5; i++) {
      close(112 + i % 3); // holds throughout: no alert
    }
    webhooks.expectNoMessage(Duration.ZERO);
    Object snapshot = TickerEntity.SNAPSHOTS.toJournal(entity.getState());
    Object roundTripped = new SerializationTestKit(testKit.system()).verifySerialization(snapshot, false);
    assertThat(((TickerEntity.Active) TickerEntity.SNAPSHOTS.fromJournal(roundTripped)).watches())
        .isEqualTo(((TickerEntity.Active) entity.getState()).watches());

    entity.restart(); // from the snapshot and the events after it
    assertThat(get(created.id())).isEqualTo(before);
    assertThat(webhooks.receiveMessage()).isEqualTo(new DeliverWebhook(pending.alert(), HOOK, 2));
    // Still holding, so the next bar above does not fire again.
    assertThat(types(close(120).events())).containsExactly(BarClosed.class);
  }

  @Test
  void aReportThatWakesTheEntitySettlesItsAlertBeforePendingAlertsAreHandedOver() {
    close(100);
    WatchView created = add(watch("ada", new WatchCondition.PriceCross(Direction.ABOVE, 110), Duration.ZERO, HOOK));
    close(111);
    AlertUpdate alert = webhooks.receiveMessage().alert();

    // As sharding does when the entity was passivated: the report arrives while it recovers.
    ActorRef<Command> woken =
        testKit.spawn(
            TickerEntity.create(
                "AAPL", testKit.spawn(Topic.create(TickerUpdate.class, "updates")), models.ref(), webhooks.ref(), clock,
                TickerEntity.Settings.defaults()));
    woken.tell(new RecordWebhookOutcome(new WebhookDelivered(created.id(), alert.alertId(), 1, clock.instant())));

    webhooks.expectNoMessage(Duration.ofMillis(500));
    TestProbe<WatchReply> reply = testKit.createTestProbe();
    woken.tell(new GetWatch(created.id(), reply.ref()));
    assertThat(((WatchOk) reply.receiveMessage()).watch().webhook().delivered()).isEqualTo(1);
    testKit.stop(woken);
  }

  @Test
  void onlyTheOwnerRemovesAWatchAndARemovedWatchNoLongerFires() {
    close(100);
    WatchView mine = add(watch("ada", new WatchCondition.PriceCross(Direction.ABOVE, 110), Duration.ZERO, null));
    WatchView theirs = add(watch("bob", new WatchCondition.PriceCross(Direction.BELOW, 90), Duration.ZERO, null));
    assertThat(entity.<WatchList>runCommand(replyTo -> new GetWatches("ada", replyTo)).reply().watches()).containsExactly(mine);

    var refused = entity.<WatchReply>runCommand(replyTo -> new RemoveWatch(mine.id(), "bob", replyTo));
    assertThat(refused.hasNoEvents()).isTrue();
    assertThat(((WatchRefused) refused.reply()).code()).isEqualTo("forbidden");

    var removed = entity.<WatchReply>runCommand(replyTo -> new RemoveWatch(mine.id(), "ada", replyTo));
    assertThat(removed.event()).isEqualTo(new WatchRemoved(mine.id(), clock.instant()));
    assertThat(((WatchOk) removed.reply()).watch()).isEqualTo(mine);
    WatchReply gone = entity.<WatchReply>runCommand(replyTo -> new GetWatch(mine.id(), replyTo)).reply();
    assertThat(((WatchRefused) gone).code()).isEqualTo("unknown-watch");
    WatchReply again = entity.<WatchReply>runCommand(replyTo -> new RemoveWatch(mine.id(), "ada", replyTo)).reply();
    assertThat(((WatchRefused) again).code()).isEqualTo("unknown-watch");

    assertThat(types(close(111).events())).containsExactly(BarClosed.class);
    assertThat(entity.<WatchList>runCommand(replyTo -> new GetWatches("bob", replyTo)).reply().watches())
        .extracting(WatchView::id)
        .containsExactly(theirs.id());
  }

  @Test
  void anAlertWithoutSseGoesOnlyToTheWebhook() {
    close(100);
    Watch hookOnly =
        new Watch(
            Watch.newId("AAPL"), "ada", "AAPL", new WatchCondition.PriceCross(Direction.ABOVE, 110), Duration.ZERO,
            new Watch.Delivery(false, HOOK), clock.instant());
    add(hookOnly);
    close(111);
    assertThat(webhooks.receiveMessage().alert().watchId()).isEqualTo(hookOnly.id());
    // The bar's updates end with its prediction notice; an alert would come between.
    updates.fishForMessage(
        Duration.ofSeconds(3),
        u -> {
          assertThat(u).isNotInstanceOf(AlertUpdate.class);
          return u instanceof PredictionUpdate p && p.asOf().equals(DAY0.plus(Duration.ofDays(1)))
              ? FishingOutcomes.complete()
              : FishingOutcomes.continueAndIgnore();
        });
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
