package io.tickcast.features.indicators;

/**
 * Rolling VWAP over {@code period} bars: Σ typical price × volume / Σ volume, typical price =
 * (high + low + close) / 3, as ta4j {@code VWAPIndicator(series, period)}. Ready once the window is
 * full; undefined (NaN) when every volume in the window is 0.
 */
public final class RollingVwap {
  private final RollingWindow priceVolume;
  private final RollingWindow volume;

  public RollingVwap(int period) {
    this(new RollingWindow(period), new RollingWindow(period));
  }

  private RollingVwap(RollingWindow priceVolume, RollingWindow volume) {
    this.priceVolume = priceVolume;
    this.volume = volume;
  }

  public static RollingVwap fromState(State s) {
    return new RollingVwap(
        RollingWindow.fromState(s.priceVolume()), RollingWindow.fromState(s.volume()));
  }

  public void update(double high, double low, double close, double volume) {
    priceVolume.push((high + low + close) / 3.0 * volume);
    this.volume.push(volume);
  }

  public boolean isReady() {
    return volume.isFull();
  }

  public double value() {
    double v = volume.sum();
    return v == 0.0 ? Double.NaN : priceVolume.sum() / v;
  }

  public State state() {
    return new State(priceVolume.state(), volume.state());
  }

  public record State(RollingWindow.State priceVolume, RollingWindow.State volume) {}
}
