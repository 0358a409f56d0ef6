package io.tickcast.features.indicators;

/**
 * MACD line {@code EMA(fast) - EMA(slow)} of the close, its signal line {@code EMA(signal)} of the
 * MACD line, and the histogram {@code macd - signal}, as ta4j {@code MACDIndicator}: all three EMAs
 * are seeded at the first bar, so the signal line also averages the MACD line's warm-up values.
 * The MACD line is ready at bar {@code slow}; the signal line and histogram once the signal EMA has
 * seen {@code signal} ready MACD values, at bar {@code slow + signal - 1}.
 */
public final class Macd {
  private final Ema fast;
  private final Ema slow;
  private final Ema signal;
  private final int signalWarmUp;

  public Macd(int fastPeriod, int slowPeriod, int signalPeriod) {
    this(
        Ema.of(fastPeriod),
        Ema.of(slowPeriod),
        Ema.of(signalPeriod),
        slowPeriod + signalPeriod - 1);
  }

  private Macd(Ema fast, Ema slow, Ema signal, int signalWarmUp) {
    this.fast = fast;
    this.slow = slow;
    this.signal = signal;
    this.signalWarmUp = signalWarmUp;
  }

  public static Macd fromState(State s) {
    return new Macd(
        Ema.fromState(s.fast()),
        Ema.fromState(s.slow()),
        Ema.fromState(s.signal()),
        s.slow().period() + s.signal().period() - 1);
  }

  public void update(double close) {
    fast.update(close);
    slow.update(close);
    signal.update(macd());
  }

  public boolean isReady() {
    return slow.isReady();
  }

  public boolean isSignalReady() {
    return signal.count() >= signalWarmUp;
  }

  public double macd() {
    return fast.value() - slow.value();
  }

  public double signal() {
    return signal.value();
  }

  public double histogram() {
    return macd() - signal.value();
  }

  public State state() {
    return new State(fast.state(), slow.state(), signal.state());
  }

  public record State(Ema.State fast, Ema.State slow, Ema.State signal) {}
}
