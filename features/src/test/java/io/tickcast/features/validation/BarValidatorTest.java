package io.tickcast.features.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.protocols.Bar;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BarValidatorTest {

  private static Bar bar(String ticker, double open, double high, double low, double close, long volume) {
    return new Bar(
        ticker, Instant.parse("2020-03-16T00:00:00Z"), Duration.ofDays(1), open, high, low, close, close, volume);
  }

  @Test
  void acceptsARealBar() {
    assertThat(BarValidator.validate(bar("AAPL", 241.95, 259.08, 240.0, 242.21, 80_605_865))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"BRK.B", "BF-B", "A", "GOOGL"})
  void acceptsVendorSymbols(String ticker) {
    assertThat(BarValidator.validate(bar(ticker, 1, 2, 1, 2, 1))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "aapl", "AAPL;DROP", "TOOLONGSYMBOL", "1ABC", "AB CD"})
  void refusesWhatIsNoSymbol(String ticker) {
    assertThat(BarValidator.validate(bar(ticker, 1, 2, 1, 2, 1)))
        .map(Violation::rule)
        .contains("ticker-format");
  }

  @Test
  void refusesNonPositiveOrNonFinitePrices() {
    assertThat(BarValidator.validate(bar("AAPL", -1, 2, -1, 2, 1))).map(Violation::rule).contains("price-not-positive");
    assertThat(BarValidator.validate(bar("AAPL", 1, Double.NaN, 1, 1, 1))).map(Violation::rule).contains("price-not-positive");
    assertThat(BarValidator.validate(bar("AAPL", 0, 1, 0, 1, 1))).map(Violation::rule).contains("price-not-positive");
  }

  @Test
  void refusesInconsistentOhlcAndNegativeVolume() {
    assertThat(BarValidator.validate(bar("AAPL", 10, 9, 8, 9.5, 1))).map(Violation::rule).contains("ohlc-inconsistent");
    assertThat(BarValidator.validate(bar("AAPL", 10, 11, 10.5, 10.7, 1))).map(Violation::rule).contains("ohlc-inconsistent");
    assertThat(BarValidator.validate(bar("AAPL", 10, 11, 9, 10, -5))).map(Violation::rule).contains("volume-negative");
  }
}
