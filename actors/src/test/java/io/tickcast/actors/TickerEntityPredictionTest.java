package io.tickcast.actors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tickcast.actors.TickerEntity.Ack;
import io.tickcast.actors.TickerEntity.ApplyEvents;
import io.tickcast.actors.TickerEntity.BarClosed;
import io.tickcast.actors.TickerEntity.Command;
import io.tickcast.actors.TickerEntity.Event;
import io.tickcast.actors.TickerEntity.GetView;
import io.tickcast.actors.TickerEntity.PredictionResolved;
import io.tickcast.actors.TickerEntity.SourcePosition;
import io.tickcast.actors.TickerEntity.Sourced;
import io.tickcast.actors.TickerEntity.State;
import io.tickcast.actors.TickerEntity.ViewReply;
import io.tickcast.features.IndicatorSet;
import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.features.vector.FeatureVector;
import io.tickcast.model.ModelArtifact;
import io.tickcast.model.ServedModel;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.LiveScore;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.PredictionUpdate;
import io.tickcast.protocols.TickerUpdate;
import io.tickcast.protocols.TickerView;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
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

/** The entity's side of predictions, with a probe standing in for the model pool. */
class TickerEntityPredictionTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static ActorTestKit testKit;
  private static List<Bar> aapl;
  private static ServedModel model;

  private TestProbe<TickerUpdate> updates;
  private TestProbe<ModelPool.Command> models;
  private EventSourcedBehaviorTestKit<Command, Event, State> entity;
  private final IndicatorSet offline = IndicatorSet.standard();
  private long offset;

  @BeforeAll
  static void startKit() throws Exception {
    testKit = PersistenceTestKits.create();
    aapl = DailyBarCsv.readStrict(Path.of("../data/sp500-daily/AAPL.csv.gz"));
    model = new ServedModel(ModelArtifact.loadDefault().metadata());
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void freshEntity() {
    entity = entity(Duration.ofSeconds(30));
  }

  private EventSourcedBehaviorTestKit<Command, Event, State> entity(Duration predictionTimeout) {
    updates = testKit.createTestProbe();
    models = testKit.createTestProbe();
    ActorRef<Topic.Command<TickerUpdate>> topic = testKit.spawn(Topic.create(TickerUpdate.class, "updates"));
    topic.tell(Topic.subscribe(updates.ref()));
    TestProbe<TopicStats> stats = testKit.createTestProbe();
    topic.tell(Topic.getTopicStats(stats.ref()));
    assertThat(stats.receiveMessage().localSubscriberCount()).isEqualTo(1);
    TickerEntity.Settings defaults = TickerEntity.Settings.defaults();
    TickerEntity.Settings settings =
        new TickerEntity.Settings(
            defaults.barInterval(), defaults.session(), defaults.allowedLateness(), defaults.conditions(), defaults.guard(),
            predictionTimeout);
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        TickerEntity.create("AAPL", topic, models.ref(), Clock.fixed(NOW, ZoneOffset.UTC), settings),
        new EventSourcedBehaviorTestKit.SerializationSettings(true, true, true, true, false));
  }

  private CommandResultWithReply<Command, Event, State, Ack> apply(Bar bar) {
    offline.update(bar);
    long at = offset++;
    return entity.<Ack>runCommand(
        replyTo -> new ApplyEvents(List.of(new Sourced(bar, new SourcePosition(0, at))), bar.start(), replyTo));
  }

  private TickerView view() {
    return entity.<ViewReply>runCommand(GetView::new).reply().view();
  }

  /** Applies bars until the feature vector is complete; returns the request for the last one. */
  private ModelPool.Predict warmUp() {
    int i = 0;
    while (true) {
      Bar bar = aapl.get(i++);
      apply(bar);
      if (FeatureVector.of(offline.values(), bar.adjustedClose()).isPresent()) {
        return models.expectMessageClass(ModelPool.Predict.class);
      }
      // Until then the entity says why instead of asking.
      models.expectNoMessage(Duration.ZERO);
      assertThat(view().predictionUnavailable().code()).isEqualTo("warming-up");
    }
  }

  private Prediction answer(ModelPool.Predict request, double output) {
    Prediction p = model.prediction(request.ticker(), request.asOf(), request.lastClose(), request.features(), output, NOW);
    request.replyTo().tell(new ModelPool.Predicted(p));
    return p;
  }

  private Bar lastApplied() {
    return aapl.get((int) offset - 1);
  }

  @Test
  void asksWithTheLiveFeatureVectorOnceWarmAndServesTheAnswer() {
    ModelPool.Predict request = warmUp();
    Bar bar = lastApplied();
    assertThat(request.ticker()).isEqualTo("AAPL");
    assertThat(request.asOf()).isEqualTo(bar.start());
    assertThat(request.barInterval()).isEqualTo(Duration.ofDays(1));
    assertThat(request.lastClose()).isEqualTo(bar.adjustedClose());
    assertThat(request.features()).containsExactly(FeatureVector.of(offline.values(), bar.adjustedClose()).orElseThrow());

    Prediction p = answer(request, 0.004);

    PredictionUpdate published = fishPrediction();
    assertThat(published.prediction()).isEqualTo(p);
    TickerView view = view();
    assertThat(view.prediction()).isEqualTo(p);
    assertThat(view.predictionUnavailable()).isNull();
    assertThat(published.sequenceNr()).isEqualTo(view.sequenceNr());
    assertThat(view.sequenceNr()).isEqualTo(view.barCount() + 1); // the bars and one PredictionIssued
  }

  @Test
  void anAnswerForAnOlderBarIsNotServed() {
    ModelPool.Predict first = warmUp();
    apply(aapl.get((int) offset));
    ModelPool.Predict second = models.expectMessageClass(ModelPool.Predict.class);

    answer(first, 0.01);
    Prediction p = answer(second, 0.02);

    assertThat(fishPrediction().prediction()).isEqualTo(p);
    assertThat(view().sequenceNr()).isEqualTo(offset + 1); // only the second was persisted
  }

  @Test
  void resolvesAPredictionWhenItsHorizonHasPassedAndScoresIt() {
    Prediction p = answer(warmUp(), 0.004);
    fishPrediction();
    Bar next = aapl.get((int) offset);

    var result = apply(next);

    assertThat(result.events()).hasSize(2);
    assertThat(result.events().get(0)).isInstanceOf(BarClosed.class);
    double realised = Math.log(next.adjustedClose() / p.lastClose());
    assertThat(result.events().get(1))
        .isEqualTo(new PredictionResolved(p.asOf(), p.model(), p.modelVersion(), 0.004, realised, next.start()));
    LiveScore score = view().scores().get(p.model() + "@" + p.modelVersion());
    assertThat(score.n()).isEqualTo(1);
    assertThat(score.absErrorSum()).isCloseTo(Math.abs(realised - 0.004), within(1e-15));
    assertThat(score.covered()).containsKeys("0.8", "0.9");
  }

  @Test
  void aFailedPredictionIsPublishedAsUnavailableWithItsReason() {
    ModelPool.Predict request = warmUp();
    request.replyTo().tell(new ModelPool.Unavailable("queue-full", "the pool's queue is full"));

    PredictionUpdate published = fishPrediction();
    assertThat(published.prediction()).isNull();
    assertThat(published.unavailable()).isEqualTo(new PredictionUpdate.Unavailable("queue-full", "the pool's queue is full"));
    assertThat(view().predictionUnavailable().code()).isEqualTo("queue-full");
    assertThat(view().sequenceNr()).isEqualTo(offset); // nothing persisted for it
  }

  @Test
  void noAnswerInTimeIsPublishedAsATimeout() {
    entity = entity(Duration.ofMillis(200));
    warmUp();
    PredictionUpdate published = fishPrediction();
    assertThat(published.unavailable().code()).isEqualTo("timeout");
  }

  @Test
  void predictionsAndTheirPendingResolutionSurviveARestart() {
    Prediction p = answer(warmUp(), -0.003);
    fishPrediction();
    entity.restart();
    assertThat(view().prediction()).isEqualTo(p);

    var result = apply(aapl.get((int) offset));
    assertThat(result.events()).hasAtLeastOneElementOfType(PredictionResolved.class);
  }

  /** The next prediction update on the stream, skipping bar updates. */
  private PredictionUpdate fishPrediction() {
    List<TickerUpdate> fished =
        updates.fishForMessage(
            Duration.ofSeconds(5),
            u -> u instanceof PredictionUpdate p && (p.prediction() != null || !p.unavailable().code().equals("warming-up"))
                ? FishingOutcomes.complete()
                : FishingOutcomes.continueAndIgnore());
    return (PredictionUpdate) fished.get(fished.size() - 1);
  }
}
