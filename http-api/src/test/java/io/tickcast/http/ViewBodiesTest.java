package io.tickcast.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Json;
import io.tickcast.protocols.TickerView;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class ViewBodiesTest {

  private static TickerView view(String ticker, long seq, double close) {
    Bar bar = new Bar(ticker, Instant.parse("2021-04-21T00:00:00Z"), Duration.ofDays(1), 100, 102, 99, close, close, 1000);
    return new TickerView(ticker, seq, bar, Map.of("sma_20", 101.5), seq, Instant.parse("2026-01-01T00:00:00Z"), null, null, Map.of());
  }

  private final AtomicInteger serialized = new AtomicInteger();
  private final ViewBodies<TickerView> bodies =
      new ViewBodies<>(
          view -> {
            serialized.incrementAndGet();
            return view.bar().close() > 0 ? Optional.of(view) : Optional.empty();
          });

  @Test
  void aViewIsSerializedOnceAndServedAsJacksonWritesIt() throws Exception {
    TickerView aapl = view("AAPL", 3, 101);
    ByteString first = bodies.json(aapl).orElseThrow();
    ByteString second = bodies.json(aapl).orElseThrow();
    assertThat(second).isSameAs(first);
    assertThat(serialized).hasValue(1);
    assertThat(first.utf8String()).isEqualTo(Json.MAPPER.writeValueAsString(aapl));
  }

  @Test
  void aNewViewOfTheTickerMakesANewBodyEvenWhenEqual() {
    ByteString old = bodies.json(view("AAPL", 3, 101)).orElseThrow();
    ByteString changed = bodies.json(view("AAPL", 4, 105.5)).orElseThrow();
    assertThat(changed.utf8String()).contains("\"sequenceNr\":4").contains("105.5");
    // Equal content, other object: serialized again rather than compared field by field.
    ByteString equal = bodies.json(view("AAPL", 4, 105.5)).orElseThrow();
    assertThat(equal).isEqualTo(changed).isNotSameAs(changed);
    assertThat(old.utf8String()).contains("\"sequenceNr\":3");
    assertThat(serialized).hasValue(3);
  }

  @Test
  void tickersHaveTheirOwnBodies() {
    TickerView aapl = view("AAPL", 3, 101);
    TickerView msft = view("MSFT", 9, 250);
    ByteString a = bodies.json(aapl).orElseThrow();
    ByteString m = bodies.json(msft).orElseThrow();
    assertThat(bodies.json(aapl).orElseThrow()).isSameAs(a);
    assertThat(bodies.json(msft).orElseThrow()).isSameAs(m);
    assertThat(m.utf8String()).contains("\"ticker\":\"MSFT\"");
    assertThat(serialized).hasValue(2);
  }

  @Test
  void aViewWithoutBodyIsDecidedOnceToo() {
    TickerView noBody = view("AAPL", 5, 0);
    assertThat(bodies.json(noBody)).isEmpty();
    assertThat(bodies.json(noBody)).isEmpty();
    assertThat(serialized).hasValue(1);
    assertThat(bodies.json(view("AAPL", 6, 101))).isPresent();
    assertThat(serialized).hasValue(2);
  }
}
