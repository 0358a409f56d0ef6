package io.tickcast.model;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress lines for long steps, one line per tenth of the work at most: readable in a terminal
 * and in a CI log alike (no carriage-return redraws). {@link #silent()} prints nothing.
 */
public final class Progress {
  private final PrintStream out;

  private Progress(PrintStream out) {
    this.out = out;
  }

  public static Progress to(PrintStream out) {
    return new Progress(out);
  }

  public static Progress silent() {
    return new Progress(null);
  }

  /** A one-line message, e.g. a step's result. */
  public void note(String message) {
    if (out != null) {
      out.println(message);
    }
  }

  public Task start(String name, long total) {
    return new Task(name, total);
  }

  /** One step of {@code total} units; {@link #advance} may be called from several threads. */
  public final class Task {
    private final String name;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastTenth = new AtomicLong();

    private Task(String name, long total) {
      this.name = name;
      this.total = Math.max(1, total);
    }

    public void advance(long units) {
      long now = done.addAndGet(units);
      long tenth = Math.min(10, now * 10 / total);
      long previous = lastTenth.get();
      if (tenth > previous && tenth < 10 && lastTenth.compareAndSet(previous, tenth)) {
        note(String.format(Locale.ROOT, "%s: %d/%d (%d%%) %.1f s", name, now, total, now * 100 / total, seconds()));
      }
    }

    /** Prints the final line, with the step's wall time. */
    public void done() {
      note(String.format(Locale.ROOT, "%s: done in %.1f s", name, seconds()));
    }

    private double seconds() {
      return (System.nanoTime() - startNanos) / 1e9;
    }
  }
}
