package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Prediction;
import io.tickcast.protocols.PredictionUpdate;
import io.tickcast.protocols.TickerView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatestViewsTest {

  private static final Duration MAX_AGE = Duration.ofSeconds(5);
  private static final Instant DAY1 = Instant.parse("2021-04-19T00:00:00Z");
  private static final Instant DAY2 = Instant.parse("2021-04-20T00:00:00Z");

  private final AtomicLong nanos = new AtomicLong();
  private final LatestViews views = new LatestViews(MAX_AGE, nanos::get);

  private static TickerView view(long sequenceNr, Instant barStart, Prediction prediction) {
    Bar bar = new Bar("AAPL", barStart, Duration.ofDays(1), 10, 11, 9, 10.5, 10.5, 1000);
    return new TickerView("AAPL", sequenceNr, bar, Map.of("sma_20", 10.0), sequenceNr, barStart, prediction, null, Map.of());
  }

  private static Prediction prediction(Instant asOf) {
    return new Prediction("AAPL", asOf, 1, 10.5, 0.01, 10.6, List.of(), 0.6, "m", "v1", new double[] {0.1}, asOf);
  }

  @Test
  void unknownUntilAViewIsPublishedOrConfirmed() {
    assertThat(views.lookup("AAPL")).isEmpty();
    views.published(view(3, DAY1, null));
    assertThat(views.lookup("AAPL")).hasValue(new LatestViews.Lookup(view(3, DAY1, null), false));
  }

  @Test
  void neverGoesBackToAnOlderView() {
    views.published(view(7, DAY2, null));
    views.confirmed(view(5, DAY1, null)); // an answer overtaken by a publication
    views.published(view(6, DAY1, null));
    assertThat(views.lookup("AAPL").orElseThrow().view()).isEqualTo(view(7, DAY2, null));
  }

  @Test
  void aServedPredictionJoinsTheViewOfItsBarAsTheEntityShowsIt() {
    Prediction old = prediction(DAY1);
    views.published(view(7, DAY2, old));
    Prediction served = prediction(DAY2);
    views.published(new PredictionUpdate("AAPL", 8, DAY2, served, null));
    TickerView after = views.lookup("AAPL").orElseThrow().view();
    assertThat(after.sequenceNr()).isEqualTo(8);
    assertThat(after.prediction()).isEqualTo(served);
    assertThat(after.predictionUnavailable()).isNull();
    assertThat(after.bar()).isEqualTo(view(7, DAY2, old).bar());
  }

  @Test
  void anUnavailablePredictionKeepsTheOlderOneAndSaysWhy() {
    Prediction old = prediction(DAY1);
    views.published(view(7, DAY2, old));
    PredictionUpdate.Unavailable why = new PredictionUpdate.Unavailable("timeout", "deadline passed");
    views.published(new PredictionUpdate("AAPL", 7, DAY2, null, why));
    TickerView after = views.lookup("AAPL").orElseThrow().view();
    assertThat(after.prediction()).isEqualTo(old);
    assertThat(after.predictionUnavailable()).isEqualTo(why);
    assertThat(after.sequenceNr()).isEqualTo(7);
  }

  @Test
  void aPredictionAboutAnotherBarDoesNotTouchTheView() {
    views.published(view(7, DAY2, null));
    views.published(new PredictionUpdate("AAPL", 6, DAY1, prediction(DAY1), null));
    assertThat(views.lookup("AAPL").orElseThrow().view()).isEqualTo(view(7, DAY2, null));
  }

  @Test
  void anEntryPastItsAgeIsServedAndOneCallerRevalidatesIt() {
    views.published(view(7, DAY2, null));
    nanos.addAndGet(MAX_AGE.toNanos() - 1);
    assertThat(views.lookup("AAPL").orElseThrow().revalidate()).isFalse();
    nanos.addAndGet(1);
    assertThat(views.lookup("AAPL").orElseThrow().revalidate()).isTrue();
    assertThat(views.lookup("AAPL").orElseThrow().revalidate()).as("already being revalidated").isFalse();

    views.confirmed(view(7, DAY2, null));
    assertThat(views.lookup("AAPL").orElseThrow().revalidate()).isFalse();
    nanos.addAndGet(MAX_AGE.toNanos());
    assertThat(views.lookup("AAPL").orElseThrow().revalidate()).isTrue();
    views.revalidationFailed("AAPL");
    assertThat(views.lookup("AAPL").orElseThrow().revalidate()).as("the next caller tries again").isTrue();
  }

  @Test
  void aPublishedViewCountsAsConfirmation() {
    views.published(view(7, DAY2, null));
    nanos.addAndGet(MAX_AGE.toNanos());
    views.published(view(8, DAY2, null));
    assertThat(views.lookup("AAPL").orElseThrow().revalidate()).isFalse();
  }
}
