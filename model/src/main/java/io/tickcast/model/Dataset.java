package io.tickcast.model;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of (ticker, date, features at the date's close, forward log returns), stored column-wise in
 * primitive arrays: the full data set is 2.4 million rows, so no object per row.
 *
 * <p>{@code label} is the log return of the adjusted close from the row's date to {@code horizon}
 * bars later ({@code labelDate}); {@code next} is the one-bar log return, which the daily
 * backtest realises whatever the horizon. Rows are grouped by ticker, in date order within one.
 */
public final class Dataset {
  private final List<String> tickers;
  private final int featureCount;
  private final int[] ticker;
  private final int[] day;
  private final int[] labelDay;
  private final double[] features;
  private final double[] label;
  private final double[] next;

  private Dataset(
      List<String> tickers,
      int featureCount,
      int[] ticker,
      int[] day,
      int[] labelDay,
      double[] features,
      double[] label,
      double[] next) {
    this.tickers = List.copyOf(tickers);
    this.featureCount = featureCount;
    this.ticker = ticker;
    this.day = day;
    this.labelDay = labelDay;
    this.features = features;
    this.label = label;
    this.next = next;
  }

  public int size() {
    return label.length;
  }

  public int featureCount() {
    return featureCount;
  }

  /** Every ticker the rows may refer to, by {@link #tickerIndex}. */
  public List<String> tickers() {
    return tickers;
  }

  public int tickerIndex(int row) {
    return ticker[row];
  }

  public String ticker(int row) {
    return tickers.get(ticker[row]);
  }

  public LocalDate date(int row) {
    return LocalDate.ofEpochDay(day[row]);
  }

  public int epochDay(int row) {
    return day[row];
  }

  public LocalDate labelDate(int row) {
    return LocalDate.ofEpochDay(labelDay[row]);
  }

  public double feature(int row, int column) {
    return features[row * featureCount + column];
  }

  /** A copy of the row's features. */
  public double[] features(int row) {
    return Arrays.copyOfRange(features, row * featureCount, (row + 1) * featureCount);
  }

  public double label(int row) {
    return label[row];
  }

  public double next(int row) {
    return next[row];
  }

  /** Every label, in row order (a copy). */
  public double[] labels() {
    return label.clone();
  }

  /** A new data set of the given rows, in the given order. */
  public Dataset rows(int[] rows) {
    int n = rows.length;
    int[] t = new int[n];
    int[] d = new int[n];
    int[] ld = new int[n];
    double[] x = new double[n * featureCount];
    double[] y = new double[n];
    double[] nx = new double[n];
    for (int i = 0; i < n; i++) {
      int r = rows[i];
      t[i] = ticker[r];
      d[i] = day[r];
      ld[i] = labelDay[r];
      System.arraycopy(features, r * featureCount, x, i * featureCount, featureCount);
      y[i] = label[r];
      nx[i] = next[r];
    }
    return new Dataset(tickers, featureCount, t, d, ld, x, y, nx);
  }

  /** Appends rows one at a time; arrays grow geometrically. */
  static final class Builder {
    private final List<String> tickers;
    private final int featureCount;
    private int size;
    private int[] ticker = new int[1024];
    private int[] day = new int[1024];
    private int[] labelDay = new int[1024];
    private double[] features;
    private double[] label = new double[1024];
    private double[] next = new double[1024];

    Builder(List<String> tickers, int featureCount) {
      this.tickers = tickers;
      this.featureCount = featureCount;
      this.features = new double[1024 * featureCount];
    }

    void add(int tickerIndex, int epochDay, int labelEpochDay, double[] x, double y, double nextReturn) {
      if (x.length != featureCount) {
        throw new IllegalArgumentException("expected " + featureCount + " features, got " + x.length);
      }
      if (size == label.length) {
        int capacity = size * 2;
        ticker = Arrays.copyOf(ticker, capacity);
        day = Arrays.copyOf(day, capacity);
        labelDay = Arrays.copyOf(labelDay, capacity);
        features = Arrays.copyOf(features, capacity * featureCount);
        label = Arrays.copyOf(label, capacity);
        next = Arrays.copyOf(next, capacity);
      }
      ticker[size] = tickerIndex;
      day[size] = epochDay;
      labelDay[size] = labelEpochDay;
      System.arraycopy(x, 0, features, size * featureCount, featureCount);
      label[size] = y;
      next[size] = nextReturn;
      size++;
    }

    /** Appends every row of {@code other}, whose ticker indexes refer to the same list. */
    void addAll(Dataset other) {
      for (int r = 0; r < other.size(); r++) {
        add(
            other.ticker[r],
            other.day[r],
            other.labelDay[r],
            other.features(r),
            other.label[r],
            other.next[r]);
      }
    }

    Dataset build() {
      return new Dataset(
          tickers,
          featureCount,
          Arrays.copyOf(ticker, size),
          Arrays.copyOf(day, size),
          Arrays.copyOf(labelDay, size),
          Arrays.copyOf(features, size * featureCount),
          Arrays.copyOf(label, size),
          Arrays.copyOf(next, size));
    }
  }
}
