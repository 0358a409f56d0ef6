package io.tickcast.devinfra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the JVM's exit runs before it stops the servers (none started here). */
class DevInfraExitTest {

    @TempDir
    Path projectRoot;

    @Test
    void runsTheOwnersStepsInOrderEvenWhenOneFails() {
        DevInfra infra = new DevInfra(DevInfra.Settings.defaults(projectRoot, projectRoot.resolve("work")));
        List<String> ran = new CopyOnWriteArrayList<>();
        infra.beforeServersStopOnExit(() -> ran.add("stop the node"));
        infra.beforeServersStopOnExit(() -> {
            ran.add("a step that fails");
            throw new IllegalStateException("boom");
        });
        infra.beforeServersStopOnExit(() -> ran.add("one more"));

        infra.onJvmExit();

        assertThat(ran).containsExactly("stop the node", "a step that fails", "one more");
    }
}
