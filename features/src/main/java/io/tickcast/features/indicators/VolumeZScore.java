package io.tickcast.features.indicators;

/**
 * Z-score of the current bar's volume against the window of the last {@code period} volumes that
 * INCLUDES the current bar: (volume - mean) / σ with the population σ (divide by {@code period}),
 * as ta4j {@code RelativeVolumeStandardDeviationIndicator}. Including the bar bounds |z| by
 * sqrt(period - 1) (4.36 for 20). Ready once the window is full (ta4j reports NaN one bar longer,
 * for index < period). Undefined (NaN) when all volumes in the window are equal (σ = 0).
 */
public final class VolumeZScore {
  private final RollingWindow volumes;

  public VolumeZScore(int period) {
    this(new RollingWindow(period));
  }

  private VolumeZScore(RollingWindow volumes) {
    this.volumes = volumes;
  }

  public static VolumeZScore fromState(State s) {
    return new VolumeZScore(RollingWindow.fromState(s.volumes()));
  }

  public void update(double volume) {
    volumes.push(volume);
  }

  public boolean isReady() {
    return volumes.isFull();
  }

  public double value() {
    double m2 = volumes.m2();
    return m2 == 0.0
        ? Double.NaN
        : (volumes.latest() - volumes.mean()) / Math.sqrt(m2 / volumes.count());
  }

  public State state() {
    return new State(volumes.state());
  }

  public record State(RollingWindow.State volumes) {}
}
