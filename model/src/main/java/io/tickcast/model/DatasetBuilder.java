package io.tickcast.model;

import io.tickcast.features.IndicatorSet;
import io.tickcast.features.data.DailyBarCsv;
import io.tickcast.features.vector.FeatureVector;
import io.tickcast.protocols.Bar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Turns daily bars into a {@link Dataset} with the live system's own feature code: each ticker's
 * bars are fed, in order, to a fresh {@link IndicatorSet}, and the features of bar t come from
 * {@link FeatureVector#of} right after bar t was fed, so they cannot see later bars. The label of
 * bar t is {@code ln(adjClose[t+h] / adjClose[t])}, h bars later in the ticker's own series.
 *
 * <p>Rows are skipped, and counted, while any feature is undefined (warm-up: the first 34 bars) and
 * for the last h bars (no label yet). A bar the indicators reject (non-positive price) is dropped
 * and counted; a CSV line that cannot be parsed is counted too.
 */
public final class DatasetBuilder {
  private final int horizon;

  public DatasetBuilder(int horizon) {
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1 bar: " + horizon);
    }
    this.horizon = horizon;
  }

  public int horizon() {
    return horizon;
  }

  /** What happened to the bars read: every bar ends in exactly one of the last four counts. */
  public record Counts(
      long badLines, long invalidBars, long featuresUndefined, long withoutLabel, long rows) {
    public long bars() {
      return invalidBars + featuresUndefined + withoutLabel + rows;
    }

    Counts plus(Counts o) {
      return new Counts(
          badLines + o.badLines,
          invalidBars + o.invalidBars,
          featuresUndefined + o.featuresUndefined,
          withoutLabel + o.withoutLabel,
          rows + o.rows);
    }
  }

  /** A data set and the counts of how it was made. */
  public record Result(Dataset dataset, Counts counts) {}

  /** The rows of one ticker's bars (in time order); {@code tickers} is the data set's ticker list. */
  public Result rows(List<String> tickers, int tickerIndex, List<Bar> bars) {
    IndicatorSet indicators = IndicatorSet.standard();
    List<double[]> features = new ArrayList<>(bars.size());
    double[] adjustedClose = new double[bars.size()];
    int[] day = new int[bars.size()];
    int accepted = 0;
    long invalid = 0;
    for (Bar bar : bars) {
      try {
        indicators.update(bar);
      } catch (IllegalArgumentException e) {
        invalid++;
        continue;
      }
      features.add(FeatureVector.of(indicators.values(), bar.adjustedClose()).orElse(null));
      adjustedClose[accepted] = bar.adjustedClose();
      day[accepted] = (int) LocalDate.ofInstant(bar.start(), ZoneOffset.UTC).toEpochDay();
      accepted++;
    }

    Dataset.Builder out = new Dataset.Builder(tickers, FeatureVector.NAMES.size());
    long undefined = 0;
    long withoutLabel = 0;
    for (int t = 0; t < accepted; t++) {
      if (features.get(t) == null) {
        undefined++;
      } else if (t + horizon >= accepted) {
        withoutLabel++;
      } else {
        out.add(
            tickerIndex,
            day[t],
            day[t + horizon],
            features.get(t),
            Math.log(adjustedClose[t + horizon] / adjustedClose[t]),
            Math.log(adjustedClose[t + 1] / adjustedClose[t]));
      }
    }
    Dataset dataset = out.build();
    return new Result(dataset, new Counts(0, invalid, undefined, withoutLabel, dataset.size()));
  }

  /**
   * Reads {@code <TICKER>.csv[.gz]} files (tickers in the given order) in parallel and appends
   * their rows in that order, so the result does not depend on scheduling.
   */
  public Result read(List<Path> files, Progress progress) {
    List<String> tickers = files.stream().map(DailyBarCsv::tickerOf).toList();
    Progress.Task task = progress.start("features", files.size());
    List<Result> parts =
        IntStream.range(0, files.size())
            .parallel()
            .mapToObj(
                i -> {
                  AtomicLong badLines = new AtomicLong();
                  List<Bar> bars;
                  try {
                    bars = DailyBarCsv.read(files.get(i), problem -> badLines.incrementAndGet());
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  Result r = rows(tickers, i, bars);
                  task.advance(1);
                  return new Result(
                      r.dataset(), r.counts().plus(new Counts(badLines.get(), 0, 0, 0, 0)));
                })
            .toList();
    Dataset.Builder all = new Dataset.Builder(tickers, FeatureVector.NAMES.size());
    Counts counts = new Counts(0, 0, 0, 0, 0);
    for (Result part : parts) {
      all.addAll(part.dataset());
      counts = counts.plus(part.counts());
    }
    task.done();
    return new Result(all.build(), counts);
  }
}
