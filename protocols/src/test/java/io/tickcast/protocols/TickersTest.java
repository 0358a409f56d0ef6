package io.tickcast.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TickersTest {

  /** The definition the hand-written check must agree with. */
  private static final Pattern SYMBOL = Pattern.compile("[A-Z][A-Z0-9]{0,5}([.\\-][A-Z0-9]{1,2})?");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "A", "AAPL", "GOOGL", "BRK.B", "BF-B", "RDS.A", "ABCDEF", "ABCDEFG", "A1", "1A", "", "aapl", "AAPL.",
        "AAPL.BCD", "AAPL..B", "AAPL-", "ABCDEF.GH", "ABCDEFG.H", "AB CD", "AAPL;DROP", ".A", "A.1", "Ä", "A_B"
      })
  void agreesWithTheRegexDefinition(String ticker) {
    assertThat(Tickers.isValid(ticker)).isEqualTo(SYMBOL.matcher(ticker).matches());
  }

  @ParameterizedTest
  @ValueSource(strings = {"AAPL", "BRK.B", "BF-B"})
  void acceptsVendorSymbols(String ticker) {
    assertThat(Tickers.isValid(ticker)).isTrue();
  }
}
