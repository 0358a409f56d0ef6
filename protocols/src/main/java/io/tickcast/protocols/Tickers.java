package io.tickcast.protocols;

/**
 * What counts as a ticker symbol everywhere in Tickcast (Kafka keys, entity ids, URLs): exchange
 * symbols as the data vendors write them (AAPL, BRK.B, BF-B, GOOGL), i.e. {@code
 * [A-Z][A-Z0-9]{0,5}([.-][A-Z0-9]{1,2})?}. Checked by hand, not by regex: it runs once per record
 * on the ingest path and must not allocate.
 */
public final class Tickers {

  private Tickers() {}

  public static boolean isValid(String ticker) {
    if (ticker == null || ticker.isEmpty() || !isUpper(ticker.charAt(0))) {
      return false;
    }
    int n = ticker.length();
    int i = 1;
    while (i < n && i < 6 && isUpperOrDigit(ticker.charAt(i))) {
      i++;
    }
    if (i == n) {
      return true;
    }
    char separator = ticker.charAt(i);
    int suffix = n - i - 1;
    if ((separator != '.' && separator != '-') || suffix < 1 || suffix > 2) {
      return false;
    }
    for (int j = i + 1; j < n; j++) {
      if (!isUpperOrDigit(ticker.charAt(j))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isUpperOrDigit(char c) {
    return isUpper(c) || (c >= '0' && c <= '9');
  }
}
