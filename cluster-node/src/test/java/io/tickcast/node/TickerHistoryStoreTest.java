package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.actors.TickerEntity;
import io.tickcast.node.TickerHistoryProjection.Projected;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Prediction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a run of journal events becomes the history writes: one batch per month, later writes win. */
class TickerHistoryStoreTest {

  private static final Instant JAN_30 = Instant.parse("2024-01-30T00:00:00Z");
  private static final Instant JAN_31 = Instant.parse("2024-01-31T00:00:00Z");
  private static final Instant FEB_01 = Instant.parse("2024-02-01T00:00:00Z");

  @Test
  void eventsAreGroupedByTheMonthOfTheirRowInSequenceOrder() {
    TickerEntity.BarClosed jan30 = bar(JAN_30, 100);
    TickerEntity.PredictionIssued predicted = prediction(JAN_30, 0.01);
    TickerEntity.BarClosed jan31 = bar(JAN_31, 101);
    TickerEntity.BarClosed feb01 = bar(FEB_01, 102);
    TickerEntity.PredictionResolved resolved =
        new TickerEntity.PredictionResolved(JAN_30, "linear", "1", 0.01, Math.log(101.0 / 100), JAN_31);

    Map<Integer, List<Object>> months = TickerHistoryStore.byMonth(run(jan30, predicted, jan31, resolved, feb01));

    assertThat(months).containsOnlyKeys(202401, 202402);
    assertThat(months.get(202401)).containsExactly(jan30, predicted, jan31, resolved);
    assertThat(months.get(202402)).containsExactly(feb01);
  }

  @Test
  void ofTwoEventsWritingTheSameCellsOnlyTheLaterIsWritten() {
    // One batch writes all its statements at the same time: Cassandra would keep the greater
    // value of a cell written twice, so the run must hold only the later write.
    TickerEntity.PredictionIssued first = prediction(JAN_30, 0.02);
    TickerEntity.BarClosed bar = bar(JAN_30, 100);
    TickerEntity.PredictionIssued second = prediction(JAN_30, 0.01);

    assertThat(TickerHistoryStore.byMonth(run(first, bar, second)).get(202401)).containsExactly(bar, second);
  }

  @Test
  void eventsWithoutHistoryRowsAreSkipped() {
    TickerEntity.TradesCheckpointed checkpoint = new TickerEntity.TradesCheckpointed(Map.of(0, 42L), null, null, JAN_30);

    assertThat(TickerHistoryStore.byMonth(run(checkpoint))).isEmpty();
    assertThat(TickerHistoryStore.byMonth(run(checkpoint, bar(JAN_31, 100))).get(202401)).hasSize(1);
  }

  private static List<Projected> run(Object... events) {
    return java.util.stream.IntStream.range(0, events.length)
        .mapToObj(i -> new Projected("AAPL", i + 1, events[i], false))
        .toList();
  }

  private static TickerEntity.BarClosed bar(Instant start, double close) {
    return new TickerEntity.BarClosed(
        new Bar("AAPL", start, Duration.ofDays(1), close, close, close, close, close, 1_000), Double.NaN, 0, Map.of(), null,
        null, start);
  }

  private static TickerEntity.PredictionIssued prediction(Instant asOf, double expectedReturn) {
    return new TickerEntity.PredictionIssued(
        new Prediction(
            "AAPL", asOf, 1, 100, expectedReturn, 100 * Math.exp(expectedReturn), List.of(), 0.5, "linear", "1",
            new double[] {1}, asOf),
        1);
  }
}
