package io.tickcast.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.model.WalkForwardSplit.Segment;
import java.time.LocalDate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WalkForwardSplitTest {
  private final WalkForwardSplit split = WalkForwardSplit.standard();
  private final String kept = "AAPL";
  private final String heldOut = "AIG";

  @Test
  void assignsWindowsByDateAndPurgesLabelsThatCrossABoundary() {
    assertThat(split.isHeldOut(kept)).isFalse();
    assertThat(segment(kept, "2016-12-22", "2016-12-30")).isEqualTo(Segment.TRAIN);
    assertThat(segment(kept, "2016-12-29", "2017-01-05")).as("label reaches into validation").isEqualTo(Segment.UNUSED);
    assertThat(segment(kept, "2017-01-03", "2017-01-04")).isEqualTo(Segment.VALIDATE);
    assertThat(segment(kept, "2018-12-28", "2019-01-02")).isEqualTo(Segment.UNUSED);
    assertThat(segment(kept, "2019-01-02", "2019-01-03")).isEqualTo(Segment.TEST);
    assertThat(segment(kept, "2021-04-20", "2021-04-21")).isEqualTo(Segment.TEST);
    assertThat(segment(kept, "2021-04-21", "2021-04-22")).isEqualTo(Segment.UNUSED);
  }

  @Test
  void heldOutTickersAppearOnlyInTheirOwnTestSegment() {
    assertThat(split.isHeldOut(heldOut)).isTrue();
    assertThat(segment(heldOut, "2010-01-04", "2010-01-05")).isEqualTo(Segment.UNUSED);
    assertThat(segment(heldOut, "2017-06-01", "2017-06-02")).isEqualTo(Segment.UNUSED);
    assertThat(segment(heldOut, "2020-03-16", "2020-03-17")).isEqualTo(Segment.HOLDOUT_TEST);
  }

  @Test
  void holdsOutAboutTheRequestedShareOfTickersDeterministically() {
    long held = IntStream.range(0, 5000).mapToObj(i -> "T" + i).filter(split::isHeldOut).count();
    assertThat(held / 5000.0).isBetween(0.18, 0.22);
    assertThat(new WalkForwardSplit(split.trainEnd(), split.validateEnd(), split.testEnd(), 0.0).isHeldOut(heldOut)).isFalse();
  }

  private Segment segment(String ticker, String date, String labelDate) {
    return split.segmentOf(ticker, LocalDate.parse(date), LocalDate.parse(labelDate));
  }
}
