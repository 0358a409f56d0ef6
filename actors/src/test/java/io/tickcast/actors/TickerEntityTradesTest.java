package io.tickcast.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.actors.TickerEntity.AdvanceWatermark;
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
import io.tickcast.actors.TickerEntity.Passivate;
import io.tickcast.actors.TickerEntity.Rejected;
import io.tickcast.actors.TickerEntity.SourcePosition;
import io.tickcast.actors.TickerEntity.State;
import io.tickcast.actors.TickerEntity.ViewReply;
import io.tickcast.features.bars.SaleConditionFilter;
import io.tickcast.features.bars.Session;
import io.tickcast.features.validation.TradeGuard;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.TickerUpdate;
import io.tickcast.protocols.TickerView;
import io.tickcast.protocols.Trade;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The trade side of the entity: bars from trades, what is durable when, and recovery. */
class TickerEntityTradesTest {

  /** 2013-10-07 09:30:00 New York. */
  private static final Instant OPEN = Instant.parse("2013-10-07T13:30:00Z");
  private static final TickerEntity.Settings SETTINGS =
      new TickerEntity.Settings(
          Duration.ofMinutes(1),
          Session.REGULAR,
          Duration.ofSeconds(5),
          SaleConditionFilter.ALL,
          new TradeGuard.Config(Duration.ofSeconds(5), Duration.ofMinutes(5), 5, 10.0, 0.0005, Duration.ofMinutes(10), 5),
          Duration.ofSeconds(2));

  private static ActorTestKit testKit;
  private static ActorRef<Topic.Command<TickerUpdate>> topic;
  // Asked for predictions once enough bars closed; these tests are about bars, so nobody answers.
  private static TestProbe<ModelPool.Command> models;

  @BeforeAll
  static void startKit() {
    testKit = PersistenceTestKits.create();
    topic = testKit.spawn(Topic.create(TickerUpdate.class, "trade-updates"));
    models = testKit.createTestProbe();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<Command, Event, State> entity(String ticker) {
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        TickerEntity.create(ticker, topic, models.ref(), Clock.fixed(OPEN, ZoneOffset.UTC), SETTINGS),
        new EventSourcedBehaviorTestKit.SerializationSettings(true, true, true, true, false));
  }

  private static Trade trade(String ticker, int secondsAfterOpen, double price, long size, long seq) {
    return new Trade(ticker, OPEN.plusSeconds(secondsAfterOpen), price, size, seq, "P", "");
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Ack> run(
      EventSourcedBehaviorTestKit<Command, Event, State> e, Trade t, long offset) {
    return e.<Ack>runCommand(r -> new ApplyEvents(List.of(new Sourced(t, new SourcePosition(0, offset))), t.time(), r));
  }

  private static Ack send(EventSourcedBehaviorTestKit<Command, Event, State> e, Trade t, long offset) {
    return run(e, t, offset).reply();
  }

  private static Ack applied(long sequenceNr, long openFrom) {
    return new Ack(List.of(new Applied()), sequenceNr, openFrom);
  }

  private static TickerView view(EventSourcedBehaviorTestKit<Command, Event, State> e) {
    return e.<ViewReply>runCommand(GetView::new).reply().view();
  }

  @Test
  void tradesBuildBarsThatCloseOnALaterTradeOrTheWatermark() {
    var e = entity("IBM");
    assertThat(send(e, trade("IBM", 5, 100.0, 10, 1), 0)).isEqualTo(applied(0, 0));
    assertThat(send(e, trade("IBM", 30, 101.0, 10, 2), 1)).isEqualTo(applied(0, 0));
    assertThat(view(e)).isNull();

    // The first trade of 09:31 closes the 09:30 bar; the event covers it too, so nothing is open.
    var closing = run(e, trade("IBM", 70, 100.5, 20, 3), 2);
    assertThat(closing.reply()).isEqualTo(applied(1, -1));
    BarClosed event = (BarClosed) closing.event();
    assertThat(event.bar()).isEqualTo(new Bar("IBM", OPEN, Duration.ofMinutes(1), 100.0, 101.0, 100.0, 101.0, 101.0, 20));
    assertThat(event.tradeCount()).isEqualTo(2);
    assertThat(event.vwap()).isEqualTo(100.5);
    assertThat(event.offsets()).containsEntry(0, 2L);

    assertThat(send(e, trade("IBM", 80, 100.7, 5, 4), 3)).isEqualTo(applied(1, 3));
    // The feed clock passes 09:32: the quiet ticker's bar closes without another trade.
    Ack watermark = e.<Ack>runCommand(r -> new AdvanceWatermark(OPEN.plusSeconds(121), r)).reply();
    assertThat(watermark).isEqualTo(new Ack(List.of(), 2, -1));
    TickerView view = view(e);
    assertThat(view.bar().start()).isEqualTo(OPEN.plusSeconds(60));
    assertThat(view.bar().volume()).isEqualTo(25);
    assertThat(view.barCount()).isEqualTo(2);
  }

  @Test
  void refusesRedeliveriesDuplicatesAndSpikesWithoutChangingState() {
    var e = entity("AIG");
    send(e, trade("AIG", 1, 50.0, 100, 1), 10);
    assertThat(send(e, trade("AIG", 1, 50.0, 100, 1), 10).outcomes().get(0)).isInstanceOf(Duplicate.class);
    // same print at a new offset (a re-publish): the source sequence gives it away
    Outcome republished = send(e, trade("AIG", 1, 50.0, 100, 1), 11).outcomes().get(0);
    assertThat(republished).isInstanceOf(Rejected.class).extracting(r -> ((Rejected) r).rule()).isEqualTo("duplicate-sequence");
    for (int i = 2; i <= 7; i++) {
      send(e, trade("AIG", i, 50.0 + i * 0.01, 100, i), 10 + i);
    }
    Outcome spike = send(e, trade("AIG", 9, 75.0, 100, 8), 18).outcomes().get(0);
    assertThat(spike).isInstanceOf(Rejected.class);
    assertThat(((Rejected) spike).rule()).isEqualTo("price-spike");
    // the print after the bad one is judged against the last good price and applied
    assertThat(send(e, trade("AIG", 10, 50.08, 100, 9), 19)).isEqualTo(applied(0, 10));
  }

  @Test
  void aNewPriceLevelIsTakenUpInsteadOfRefusingEveryTradeAfterIt() {
    var e = entity("BAC");
    for (int i = 1; i <= 7; i++) {
      send(e, trade("BAC", i, 14.0 + (i % 2) * 0.01, 100, i), i);
    }
    // Five trades in a row 3 % higher: four are quarantined, the fifth confirms the level.
    for (int i = 8; i <= 11; i++) {
      Outcome spike = send(e, trade("BAC", i, 14.42, 100, i), i).outcomes().get(0);
      assertThat(spike).isInstanceOf(Rejected.class).extracting(r -> ((Rejected) r).rule()).isEqualTo("price-spike");
    }
    assertThat(send(e, trade("BAC", 12, 14.43, 100, 12), 12).outcomes()).containsExactly(new Applied());
    assertThat(send(e, trade("BAC", 13, 14.42, 100, 13), 13).outcomes()).containsExactly(new Applied());

    // The next session opens 2 % lower: its first trade is applied, not judged against the close.
    Trade nextOpen = new Trade("BAC", OPEN.plus(Duration.ofDays(1)), 14.13, 100, 14, "P", "");
    assertThat(send(e, nextOpen, 14).outcomes()).containsExactly(new Applied());
  }

  @Test
  void aCrashLosesOnlyWhatKafkaDeliversAgainAndTheResultIsTheSame() {
    var uninterrupted = entity("BAC");
    for (int i = 0; i < 40; i++) {
      send(uninterrupted, bacLike("BAC", i), i);
    }

    var crashed = entity("BAC1"); // same prints under another name: its own journal
    long openFrom = -1;
    for (int i = 0; i < 25; i++) {
      openFrom = send(crashed, bacLike("BAC1", i), i).openFrom();
    }
    assertThat(openFrom).isPositive(); // some trades live in memory only
    crashed.restart(); // the in-memory trades are gone...
    // ...and the consumer, having committed below openFrom, delivers from there again
    for (int i = (int) openFrom; i < 40; i++) {
      send(crashed, bacLike("BAC1", i), i);
    }
    assertSameBarsAndIndicators(view(uninterrupted), view(crashed), "BAC1");
  }

  @Test
  void aRestartAfterAWriteOfSeveralBarsResumesFromItsLastBar() {
    var oneByOne = entity("BAC2");
    for (int i = 0; i < 40; i++) {
      send(oneByOne, bacLike("BAC2", i), i);
    }

    var batched = entity("BAC3");
    List<Sourced> first = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      first.add(new Sourced(bacLike("BAC3", i), new SourcePosition(0, i)));
    }
    var result = batched.<Ack>runCommand(r -> new ApplyEvents(first, bacLike("BAC3", 24).time(), r));
    List<BarClosed> bars = result.events().stream().map(BarClosed.class::cast).toList();
    assertThat(bars).hasSize(2);
    // The write is atomic: only its last bar carries the trade-side state.
    assertThat(bars.get(0).offsets()).isNull();
    assertThat(bars.get(0).bars()).isNull();
    assertThat(bars.get(0).guard()).isNull();
    assertThat(bars.get(1).offsets()).isNotNull();
    assertThat(bars.get(1).bars()).isNotNull();
    assertThat(bars.get(1).guard()).isNotNull();
    TickerEntity.Active written = (TickerEntity.Active) batched.getState();

    batched.restart(); // recovery replays the write: the trade side comes back from its last bar
    TickerEntity.Active recovered = (TickerEntity.Active) batched.getState();
    assertThat(recovered.bars()).isEqualTo(written.bars()).isEqualTo(bars.get(1).bars());
    assertThat(recovered.guard()).isEqualTo(written.guard());
    assertThat(recovered.offsets()).isEqualTo(written.offsets());
    for (int i = (int) result.reply().openFrom(); i < 40; i++) {
      send(batched, bacLike("BAC3", i), i);
    }
    assertSameBarsAndIndicators(view(oneByOne), view(batched), "BAC3");
  }

  /** The same prints under another ticker's name ({@code ticker}) gave the same bars and indicators. */
  private static void assertSameBarsAndIndicators(TickerView expected, TickerView actual, String ticker) {
    Bar e = expected.bar();
    assertThat(actual.bar()).isEqualTo(
        new Bar(ticker, e.start(), e.interval(), e.open(), e.high(), e.low(), e.close(), e.adjustedClose(), e.volume()));
    assertThat(actual.indicators()).isEqualTo(expected.indicators());
    assertThat(actual.barCount()).isEqualTo(expected.barCount()).isEqualTo(4);
  }

  private static Trade bacLike(String ticker, int i) {
    return trade(ticker, 5 + i * 7, 14.0 + (i % 5) * 0.01, 100 + i, i + 1);
  }

  @Test
  void passivationMakesInMemoryTradesDurable() {
    TestProbe<Ack> replies = testKit.createTestProbe();
    ActorRef<Command> first = testKit.spawn(TickerEntity.create("SPY", topic, models.ref(), Clock.fixed(OPEN, ZoneOffset.UTC), SETTINGS));
    first.tell(batch(replies, trade("SPY", 5, 168.0, 100, 1), 100, trade("SPY", 6, 168.1, 100, 2), 101));
    assertThat(replies.receiveMessage()).isEqualTo(new Ack(List.of(new Applied(), new Applied()), 0, 100));

    first.tell(new Passivate());
    replies.expectTerminated(first);

    ActorRef<Command> second = testKit.spawn(TickerEntity.create("SPY", topic, models.ref(), Clock.fixed(OPEN, ZoneOffset.UTC), SETTINGS));
    second.tell(batch(replies, trade("SPY", 6, 168.1, 100, 2), 101, trade("SPY", 65, 168.2, 100, 3), 102));
    Ack ack = replies.receiveMessage();
    assertThat(ack.outcomes().get(0)).isInstanceOf(Duplicate.class);
    assertThat(ack.outcomes().get(1)).isEqualTo(new Applied());
    assertThat(ack.sequenceNr()).isEqualTo(2); // the checkpoint, then the closed bar
    TestProbe<ViewReply> views = testKit.createTestProbe();
    second.tell(new GetView(views.ref()));
    assertThat(views.receiveMessage().view().bar().volume()).isEqualTo(200);
  }

  @Test
  void aBatchThatClosesSeveralBarsPersistsThemAllAndKeepsTheRestInMemory() {
    var e = entity("GE");
    var result =
        e.<Ack>runCommand(
            r ->
                new ApplyEvents(
                    List.of(
                        new Sourced(trade("GE", 1, 24.0, 100, 1), new SourcePosition(0, 0)),
                        new Sourced(trade("GE", 61, 24.1, 100, 2), new SourcePosition(0, 1)),
                        new Sourced(trade("GE", 121, 24.2, 100, 3), new SourcePosition(0, 2)),
                        new Sourced(trade("GE", 122, 24.3, 100, 4), new SourcePosition(0, 3))),
                    OPEN.plusSeconds(122),
                    r));
    assertThat(result.events()).hasSize(2).allMatch(ev -> ev instanceof BarClosed);
    // offsets 0..2 are in the persisted state; 3 is the start of what lives in memory only
    assertThat(result.reply()).isEqualTo(new Ack(List.of(new Applied(), new Applied(), new Applied(), new Applied()), 2, 3));
  }

  private static ApplyEvents batch(TestProbe<Ack> replies, Trade a, long offsetA, Trade b, long offsetB) {
    return new ApplyEvents(
        List.of(new Sourced(a, new SourcePosition(0, offsetA)), new Sourced(b, new SourcePosition(0, offsetB))),
        b.time(),
        replies.ref());
  }
}
