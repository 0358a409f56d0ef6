package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import kamon.Kamon;
import kamon.metric.Distribution;
import kamon.metric.Instrument;
import kamon.tag.TagSet;
import org.junit.jupiter.api.Test;

/** Each method and status gets its own timer, holding exactly what was recorded for it. */
class HttpServerMetricsTest {

  @SuppressWarnings("unchecked")
  private static Distribution recorded(String method, String status) {
    Object timer =
        Kamon.timer(HttpServerMetrics.NAME).withTags(TagSet.builder().add("method", method).add("status", status).build());
    return ((Instrument.Snapshotting<Distribution>) timer).snapshot(false);
  }

  @Test
  void recordsEachRequestUnderItsMethodAndStatus() {
    HttpServerMetrics metrics = new HttpServerMetrics();
    metrics.record("GET", 200, 1_000_000);
    metrics.record("GET", 200, 3_000_000);
    metrics.record("GET", 404, 500_000);
    metrics.record("POST", 201, 2_000_000);
    metrics.record("PATCH", 1234, 1_000); // not an HTTP status: still counted, under its own tag

    Distribution ok = recorded("GET", "200");
    assertThat(ok.count()).isEqualTo(2);
    assertThat(ok.max()).isBetween(2_990_000L, 3_010_000L); // HDR histogram precision
    assertThat(recorded("GET", "404").count()).isEqualTo(1);
    assertThat(recorded("POST", "201").count()).isEqualTo(1);
    assertThat(recorded("PATCH", "1234").count()).isEqualTo(1);
    assertThat(recorded("POST", "200").count()).isZero();
  }
}
