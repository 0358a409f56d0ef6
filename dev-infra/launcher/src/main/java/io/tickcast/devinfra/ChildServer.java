package io.tickcast.devinfra;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A server run as one or more child JVMs, one at a time. {@link #stop()} may come from another
 * thread while {@link #start} is still running: it also prevents any later launch, so a start-up
 * that is being cancelled cannot leave a JVM behind.
 */
abstract class ChildServer {

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private ChildJvm current;
    private boolean stopped;

    /** Writes the configuration, starts the server and returns once it answers requests. */
    abstract void start(Instant deadline);

    protected final ChildJvm launch(Path workDir, ChildJvm.Spec spec) {
        synchronized (this) {
            if (stopped) {
                throw new InfraException(spec.title() + " start-up was cancelled");
            }
            current = ChildJvm.start(workDir, spec);
            return current;
        }
    }

    /** Stops the running JVM (SIGTERM, SIGKILL after 20 s); idempotent. */
    final void stop() {
        ChildJvm toStop;
        synchronized (this) {
            stopped = true;
            toStop = current;
        }
        if (toStop != null) {
            toStop.stop(STOP_GRACE);
        }
    }
}
