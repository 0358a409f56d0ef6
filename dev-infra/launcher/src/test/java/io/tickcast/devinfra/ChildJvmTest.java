package io.tickcast.devinfra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

    @TempDir
    Path workDir;

    private ChildJvm start(Class<?> mainClass) {
        return ChildJvm.start(workDir, new ChildJvm.Spec("Stand-in", "stand-in",
                List.of(TestPaths.testClasses().toString()), List.of("-Xmx32m"), mainClass.getName(), List.of()));
    }

    @Test
    void failsFastWithTheLogTailWhenTheServerExitsDuringStartUp() {
        ChildJvm jvm = start(FailingMain.class);

        assertThatThrownBy(() -> jvm.awaitReady(Instant.now().plus(Duration.ofMinutes(2)), () -> {
            throw new IllegalStateException("not listening yet");
        }))
                .isInstanceOf(InfraException.class)
                .hasMessageStartingWith("Stand-in exited with code 3 during start-up. Last lines of "
                        + workDir.resolve("logs/stand-in.log"))
                .hasMessageEndingWith("fatal: cannot open data directory");
    }

    @Test
    void readyAsSoonAsTheProbePassesAndStoppedOnRequest() throws Exception {
        ChildJvm jvm = start(SleepingMain.class);
        Path log = workDir.resolve("logs/stand-in.log");
        try {
            jvm.awaitReady(Instant.now().plus(Duration.ofMinutes(2)), () -> {
                if (!Files.readString(log).contains("running")) {
                    throw new IllegalStateException("not running yet");
                }
            });
        } finally {
            jvm.stop(Duration.ofSeconds(20));
        }

        assertThat(ProcessHandle.of(jvm.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    }
}
