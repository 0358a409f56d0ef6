package io.tickcast.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/** The stage behind {@link Pacing#flow}: holds at most one element until its due time. */
final class PaceStage<T> extends GraphStage<FlowShape<T, T>> {

  private final Pacing pacing;
  private final Function<T, Instant> timeOf;
  private final Inlet<T> in = Inlet.create("Pace.in");
  private final Outlet<T> out = Outlet.create("Pace.out");
  private final FlowShape<T, T> shape = FlowShape.of(in, out);

  PaceStage(Pacing pacing, Function<T, Instant> timeOf) {
    this.pacing = pacing;
    this.timeOf = timeOf;
  }

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new TimerGraphStageLogic(shape) {
      private final Pacing.Schedule schedule = pacing.schedule();
      private long start;
      private boolean started;
      private T held;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                T element = grab(in);
                long now = System.nanoTime();
                if (!started) {
                  start = now;
                  started = true;
                }
                long wait = start + schedule.dueNanos(timeOf.apply(element)) - now;
                if (wait <= 0) {
                  push(out, element);
                } else {
                  held = element;
                  scheduleOnce("due", Duration.ofNanos(wait));
                }
              }

              @Override
              public void onUpstreamFinish() {
                if (held == null) {
                  completeStage();
                }
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(in);
              }
            });
      }

      @Override
      public void onTimer(Object key) {
        T element = held;
        held = null;
        push(out, element);
        if (isClosed(in)) {
          completeStage();
        }
      }
    };
  }
}
