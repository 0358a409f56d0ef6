package io.tickcast.model;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One PNG of three panels for a window: binned calibration (mean realised vs mean predicted return
 * per prediction decile), conformal coverage against the nominal level, and the long/short equity
 * curves against the equal-weight benchmark.
 */
public final class ReportChart {
  private static final int PANEL_WIDTH = 620;
  private static final int HEIGHT = 480;
  private static final int BINS = 10;

  private ReportChart() {}

  /**
   * @param predictions per model, aligned with {@code labels}
   * @param coverage per model, the window's interval metrics
   * @param backtests per forecaster, plus the benchmark, in legend order
   */
  public static void write(
      Path png,
      String window,
      double[] labels,
      Map<String, double[]> predictions,
      Map<String, List<IntervalMetrics>> coverage,
      Map<String, Backtest> backtests)
      throws IOException {
    List<Chart<?, ?>> panels =
        List.of(calibration(window, labels, predictions), coverage(window, coverage), equity(window, backtests));
    BufferedImage image = new BufferedImage(PANEL_WIDTH * panels.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    for (int i = 0; i < panels.size(); i++) {
      Graphics2D panel = (Graphics2D) g.create(i * PANEL_WIDTH, 0, PANEL_WIDTH, HEIGHT);
      panels.get(i).paint(panel, PANEL_WIDTH, HEIGHT);
      panel.dispose();
    }
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }

  private static XYChart calibration(String window, double[] labels, Map<String, double[]> predictions) {
    XYChart chart =
        new XYChartBuilder()
            .title("Calibration, " + window + " (deciles of prediction)")
            .xAxisTitle("mean predicted log return (bp)")
            .yAxisTitle("mean realised log return (bp)")
            .build();
    chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (var e : predictions.entrySet()) {
      double[] p = e.getValue();
      Integer[] order = IntStream.range(0, p.length).boxed().toArray(Integer[]::new);
      Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
      double[] x = new double[BINS];
      double[] y = new double[BINS];
      for (int b = 0; b < BINS; b++) {
        int from = (int) ((long) b * p.length / BINS);
        int to = (int) ((long) (b + 1) * p.length / BINS);
        for (int k = from; k < to; k++) {
          x[b] += p[order[k]];
          y[b] += labels[order[k]];
        }
        x[b] = x[b] / Math.max(1, to - from) * 1e4;
        y[b] = y[b] / Math.max(1, to - from) * 1e4;
        lo = Math.min(lo, Math.min(x[b], y[b]));
        hi = Math.max(hi, Math.max(x[b], y[b]));
      }
      chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
    }
    if (lo < hi) {
      XYSeries diagonal = chart.addSeries("y = x", new double[] {lo, hi}, new double[] {lo, hi});
      diagonal.setMarker(SeriesMarkers.NONE);
      diagonal.setLineColor(Color.GRAY);
    }
    return chart;
  }

  private static CategoryChart coverage(String window, Map<String, List<IntervalMetrics>> coverage) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .title("Interval coverage, " + window)
            .xAxisTitle("model @ nominal level")
            .yAxisTitle("share of labels inside the interval")
            .build();
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(LegendPosition.InsideSW);
    List<String> x = new ArrayList<>();
    List<Number> nominal = new ArrayList<>();
    List<Number> empirical = new ArrayList<>();
    coverage.forEach(
        (model, levels) ->
            levels.forEach(
                m -> {
                  x.add(model + " @" + Math.round(m.level() * 100) + "%");
                  nominal.add(m.level());
                  empirical.add(m.coverage());
                }));
    chart.addSeries("nominal", x, nominal);
    chart.addSeries("empirical", x, empirical);
    return chart;
  }

  private static XYChart equity(String window, Map<String, Backtest> backtests) {
    XYChart chart =
        new XYChartBuilder()
            .title("Long/short by sign vs benchmark, " + window + " (no costs)")
            .xAxisTitle("date")
            .yAxisTitle("cumulative log wealth")
            .build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setDatePattern("yyyy-MM");
    chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
    backtests.forEach(
        (name, b) -> {
          List<Date> dates = new ArrayList<>();
          List<Double> wealth = new ArrayList<>();
          double[] w = b.cumulativeLogWealth();
          for (int i = 0; i < w.length; i++) {
            dates.add(Date.from(b.date(i).atStartOfDay().toInstant(ZoneOffset.UTC)));
            wealth.add(w[i]);
          }
          if (!dates.isEmpty()) {
            chart.addSeries(name, dates, wealth).setMarker(SeriesMarkers.NONE);
          }
        });
    return chart;
  }
}
