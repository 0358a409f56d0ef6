package io.tickcast.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.Bar;
import io.tickcast.protocols.PredictionUpdate;
import io.tickcast.protocols.StreamEvent;
import io.tickcast.protocols.StreamEvent.Gap;
import io.tickcast.protocols.StreamEvent.Positioned;
import io.tickcast.protocols.StreamEvent.Subscription;
import io.tickcast.protocols.TickerUpdate;
import io.tickcast.protocols.TickerView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.pubsub.Topic.TopicStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamHubTest {

  private static ActorTestKit testKit;
  private static int topics;
  private ActorRef<Topic.Command<TickerUpdate>> topic;
  private ActorRef<StreamHub.Command> hub;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void freshHub() {
    // Topics of one name are one topic: each test gets its own.
    topic = testKit.spawn(Topic.create(TickerUpdate.class, "hub-updates-" + ++topics));
    hub = testKit.spawn(StreamHub.create(topic, 3));
    // Publishing reaches the hub once the topic lists it.
    TestProbe<TopicStats> stats = testKit.createTestProbe();
    stats.awaitAssert(
        () -> {
          topic.tell(Topic.getTopicStats(stats.ref()));
          assertThat(stats.receiveMessage().localSubscriberCount()).isEqualTo(1);
          return null;
        });
  }

  private static TickerView bar(String ticker, long seq) {
    Bar bar = new Bar(ticker, Instant.EPOCH.plus(Duration.ofDays(seq)), Duration.ofDays(1), 1, 2, 1, 2, 2, 10);
    return new TickerView(ticker, seq, bar, Map.of(), seq, Instant.EPOCH, null, null, Map.of());
  }

  private static PredictionUpdate unavailable(String ticker, long seq) {
    return new PredictionUpdate(
        ticker, seq, Instant.EPOCH, null, new PredictionUpdate.Unavailable("no-model", "no champion"));
  }

  private void publish(TickerUpdate... updates) {
    for (TickerUpdate u : updates) {
      topic.tell(Topic.publish(u));
    }
  }

  private TestProbe<StreamEvent> subscribe(Set<String> tickers, Set<String> types, Optional<String> lastEventId) {
    TestProbe<StreamEvent> client = testKit.createTestProbe();
    hub.tell(new StreamHub.Subscribe(new Subscription(tickers, types, lastEventId), client.ref()));
    return client;
  }

  private static TickerUpdate update(StreamEvent event) {
    return ((Positioned) event).update();
  }

  /** A client that sees everything: the updates' positions, in order. */
  private List<Positioned> receive(TestProbe<StreamEvent> client, int n) {
    return client.receiveSeveralMessages(n).stream().map(Positioned.class::cast).toList();
  }

  @Test
  void fansOutWhatEachClientAsksForWithIncreasingPositions() {
    TestProbe<StreamEvent> all = subscribe(Set.of(), Set.of(), Optional.empty());
    TestProbe<StreamEvent> msftPredictions = subscribe(Set.of("MSFT"), Set.of("prediction"), Optional.empty());
    publish(bar("AAPL", 1), bar("MSFT", 1), unavailable("MSFT", 1), unavailable("AAPL", 1));

    List<Positioned> seen = receive(all, 4);
    assertThat(seen).extracting(Positioned::update)
        .containsExactly(bar("AAPL", 1), bar("MSFT", 1), unavailable("MSFT", 1), unavailable("AAPL", 1));
    assertThat(seen).extracting(p -> Long.parseLong(p.id().substring(p.id().lastIndexOf('-') + 1)))
        .isSorted().doesNotHaveDuplicates();
    assertThat(update(msftPredictions.receiveMessage())).isEqualTo(unavailable("MSFT", 1));
    msftPredictions.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void replaysWhatAReconnectingClientMissedBeforeAnythingLive() {
    TestProbe<StreamEvent> first = subscribe(Set.of(), Set.of(), Optional.empty());
    publish(bar("AAPL", 1), bar("MSFT", 1), bar("AAPL", 2), bar("MSFT", 2));
    List<Positioned> seen = receive(first, 4);
    String lastSeen = seen.get(1).id();

    TestProbe<StreamEvent> again = subscribe(Set.of(), Set.of(), Optional.of(lastSeen));
    publish(bar("AAPL", 3));
    assertThat(receive(again, 3))
        .extracting(Positioned::update)
        .containsExactly(bar("AAPL", 2), bar("MSFT", 2), bar("AAPL", 3));
  }

  @Test
  void saysSoWhenWhatWasMissedIsNoLongerBuffered() {
    TestProbe<StreamEvent> first = subscribe(Set.of(), Set.of(), Optional.empty());
    publish(bar("AAPL", 1), bar("MSFT", 1));
    String afterFirst = receive(first, 2).get(0).id();
    // Three per ticker are kept: AAPL 1 and 2 fall out, MSFT's missed update is still there.
    publish(bar("AAPL", 2), bar("AAPL", 3), bar("AAPL", 4), bar("AAPL", 5));
    receive(first, 4);

    TestProbe<StreamEvent> again = subscribe(Set.of(), Set.of(), Optional.of(afterFirst));
    List<StreamEvent> events = again.receiveSeveralMessages(2);
    assertThat(events).contains(new Positioned(afterFirst.replaceAll("-\\d+$", "-2"), bar("MSFT", 1)));
    assertThat(events).filteredOn(e -> e instanceof Gap).singleElement().extracting(e -> ((Gap) e).ticker()).isEqualTo("AAPL");
  }

  @Test
  void aPositionFromAnotherNodeOrIncarnationIsAGapNotAGuess() {
    TestProbe<StreamEvent> client = subscribe(Set.of("AAPL"), Set.of(), Optional.of("zzzz-3"));
    assertThat(((Gap) client.receiveMessage()).ticker()).isNull();
    publish(bar("AAPL", 1));
    assertThat(update(client.receiveMessage())).isEqualTo(bar("AAPL", 1));
  }

  @Test
  void forgetsAClientWhoseStreamEnded() {
    TestProbe<StreamEvent> gone = subscribe(Set.of(), Set.of(), Optional.empty());
    TestProbe<StreamEvent> staying = subscribe(Set.of(), Set.of(), Optional.empty());
    gone.stop();
    publish(bar("AAPL", 1));
    assertThat(update(staying.receiveMessage())).isEqualTo(bar("AAPL", 1));
  }
}
