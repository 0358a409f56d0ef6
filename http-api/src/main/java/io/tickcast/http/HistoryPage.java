package io.tickcast.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tickcast.protocols.Bar;
import io.tickcast.protocols.Prediction;
import java.time.Instant;
import java.util.List;

/**
 * One page of a ticker's bar history, newest first. {@code more} tells whether older bars match
 * the query beyond this page.
 */
public record HistoryPage(List<Entry> entries, boolean more) {

  public static final HistoryPage EMPTY = new HistoryPage(List.of(), false);

  /**
   * One bar with the prediction made from it, if any, and that prediction's outcome once its
   * horizon passed.
   *
   * @param vwap volume-weighted price of the bar's trades; null for bars received whole
   * @param tradeCount trades in the bar; null for bars received whole
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(Bar bar, Double vwap, Integer tradeCount, Prediction prediction, Resolution resolution) {}

  /**
   * The realised return against the prediction of the same bar: ln(adjusted close {@code
   * horizon} bars later / the prediction's last close), known once the bar starting at {@code
   * resolvedBy} closed.
   */
  public record Resolution(String model, String modelVersion, double expectedReturn, double realisedReturn, Instant resolvedBy) {}
}
