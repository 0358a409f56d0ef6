package io.tickcast.protocols;

import java.util.regex.Pattern;

/** What counts as a ticker symbol everywhere in Tickcast (Kafka keys, entity ids, URLs). */
public final class Tickers {

  /** Exchange symbols as the data vendors write them: AAPL, BRK.B, BF-B, GOOGL ... */
  private static final Pattern SYMBOL = Pattern.compile("[A-Z][A-Z0-9]{0,5}([.\\-][A-Z0-9]{1,2})?");

  private Tickers() {}

  public static boolean isValid(String ticker) {
    return ticker != null && SYMBOL.matcher(ticker).matches();
  }
}
