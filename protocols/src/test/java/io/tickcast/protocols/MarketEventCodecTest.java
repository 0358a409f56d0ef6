package io.tickcast.protocols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MarketEventCodecTest {

  private static final Bar BAR =
      new Bar(
          "AAPL",
          Instant.parse("2021-04-21T00:00:00Z"),
          Duration.ofDays(1),
          132.36,
          133.75,
          131.3,
          133.5,
          133.5,
          68_847_136L);

  @Test
  void roundTripsABar() throws Exception {
    byte[] json = MarketEventCodec.encode(BAR);
    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"type\":\"bar\"")
        .contains("\"start\":\"2021-04-21T00:00:00Z\"")
        .contains("\"interval\":\"PT24H\"");
    assertThat(MarketEventCodec.decode(json)).isEqualTo(BAR);
  }

  @Test
  void roundTripsATrade() throws Exception {
    Trade trade = new Trade("SPY", Instant.parse("2013-10-07T13:30:00.123Z"), 168.87, 300, 42, "P", "");
    byte[] json = MarketEventCodec.encode(trade);
    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"type\":\"trade\"");
    assertThat(MarketEventCodec.decode(json)).isEqualTo(trade);
  }

  @Test
  void rejectsWhatIsNotAMarketEvent() {
    assertThatThrownBy(() -> MarketEventCodec.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageStartingWith("not a valid market event");
    assertThatThrownBy(() -> MarketEventCodec.decode(new byte[0]))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessage("empty record");
    assertThatThrownBy(() -> MarketEventCodec.decode("null".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedRecordException.class);
    assertThatThrownBy(
            () ->
                MarketEventCodec.decode(
                    "{\"type\":\"quote\",\"ticker\":\"AAPL\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedRecordException.class);
    // a bar without its close is not a bar
    assertThatThrownBy(
            () ->
                MarketEventCodec.decode(
                    ("{\"type\":\"bar\",\"ticker\":\"AAPL\",\"start\":\"2021-04-21T00:00:00Z\","
                            + "\"interval\":\"P1D\",\"open\":1,\"high\":2,\"low\":1,\"adjustedClose\":1,"
                            + "\"volume\":5}")
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedRecordException.class);
  }
}
