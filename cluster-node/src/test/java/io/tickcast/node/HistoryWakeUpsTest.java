package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.node.TickerHistoryProjection.WakeUps;
import java.time.Duration;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** How announcements become reads of a ticker's journal in the history projection. */
class HistoryWakeUpsTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final ActorSystem CLASSIC = testKit.system().classicSystem();
  private static final Duration QUIET = Duration.ofMillis(200);

  private final WakeUps wakeUps = new WakeUps();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aTickerIsReadAtOnceThenOnceForAllAnnouncementsWhileAReadIsDue() {
    TestSubscriber.Probe<Done> reads = wakeUps.reads("AAPL").runWith(TestSink.probe(CLASSIC), testKit.system());
    reads.request(1).expectNext(Done.done());
    // No demand: the stream is still reading. Three announcements make one more read, not three.
    wakeUps.announce("AAPL");
    wakeUps.announce("AAPL");
    wakeUps.announce("AAPL");
    reads.request(10).expectNext(Done.done()).expectNoMessage(QUIET);
    wakeUps.announce("AAPL");
    reads.expectNext(Done.done());
    reads.cancel();
  }

  @Test
  void announcementsReachOnlyTheirTickerAndUnknownTickersAreHandedToTheSlice() {
    TestSubscriber.Probe<String> unknown = wakeUps.unknownTickers().runWith(TestSink.probe(CLASSIC), testKit.system());
    TestSubscriber.Probe<Done> aapl = wakeUps.reads("AAPL").runWith(TestSink.probe(CLASSIC), testKit.system());
    aapl.request(10).expectNext(Done.done());
    unknown.request(10);

    wakeUps.announce("MSFT");
    unknown.expectNext("MSFT");
    aapl.expectNoMessage(QUIET);
    // The slice's own wake-ups (sweeps) only go to running streams: a starting one reads anyway.
    assertThat(wakeUps.wakeUp("MSFT")).isFalse();
    unknown.expectNoMessage(QUIET);

    wakeUps.announce("AAPL");
    aapl.expectNext(Done.done());
    unknown.expectNoMessage(QUIET);

    // A stream that stopped (its slice restarts) is forgotten: its ticker is unknown again.
    aapl.cancel();
    testKit.createTestProbe().awaitAssert(
        () -> {
          wakeUps.announce("AAPL");
          return unknown.expectNext(Duration.ofMillis(100), "AAPL");
        });
    unknown.cancel();
  }
}
