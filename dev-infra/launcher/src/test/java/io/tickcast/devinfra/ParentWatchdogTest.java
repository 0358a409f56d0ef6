package io.tickcast.devinfra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParentWatchdogTest {

    @TempDir
    Path workDir;

    @Test
    void childExitsWhenItsParentIsKilled() throws Exception {
        String testClasses = TestPaths.testClasses().toString();
        Process parent = new ProcessBuilder(ChildJvm.javaExecutable().toString(), "-cp", testClasses,
                SleepingMain.class.getName()).start();
        // Only the installed class file and the stand-in server: proves the watchdog needs nothing else.
        String childClasspath = ChildJvm.installWatchdog(workDir) + File.pathSeparator + testClasses;
        Process child = new ProcessBuilder(ChildJvm.javaExecutable().toString(), "-cp", childClasspath,
                ParentWatchdog.class.getName(), Long.toString(parent.pid()), SleepingMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader childOutput = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(childOutput.readLine()).isEqualTo("running");
            assertThat(child.isAlive()).isTrue();

            parent.destroyForcibly().onExit().get(30, TimeUnit.SECONDS);

            Process exited = child.onExit().get(30, TimeUnit.SECONDS);
            assertThat(exited.exitValue()).isZero();
        } finally {
            parent.destroyForcibly();
            child.destroyForcibly();
        }
    }
}
