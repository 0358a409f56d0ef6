package io.tickcast.devinfra;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One server JVM started by the launcher: run under {@link ParentWatchdog} so it dies with this
 * JVM, with stdout and stderr together in {@code workDir/logs/<logName>.log} (truncated per start).
 */
final class ChildJvm {

    /**
     * What to run: {@code title} names it in messages, {@code logName} names its log file. The
     * classpath holds only the server's own entries; the watchdog is added.
     */
    record Spec(String title, String logName, List<String> classpath, List<String> jvmOptions,
                String mainClass, List<String> args) {
    }

    /** Returns normally when the server is ready, throws while it is not. */
    @FunctionalInterface
    interface ReadinessProbe {
        void check() throws Exception;
    }

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final int TAIL_LINES = 40;
    private static final int TAIL_BYTES = 32 * 1024;
    /** Read by every JVM at start: options or agents meant for the launcher's JVM must not reach the servers. */
    private static final List<String> JVM_ENVIRONMENT = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH");

    private final String name;
    private final Process process;
    private final Path logFile;
    private final long startNanos;

    private ChildJvm(String name, Process process, Path logFile, long startNanos) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.startNanos = startNanos;
    }

    static ChildJvm start(Path workDir, Spec spec) {
        Path logFile = workDir.resolve("logs").resolve(spec.logName() + ".log");
        List<String> classpath = new ArrayList<>(spec.classpath());
        classpath.add(installWatchdog(workDir).toString());

        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.addAll(spec.jvmOptions());
        // A crash report belongs with the logs, not in the work directory holding the data.
        command.add("-XX:ErrorFile=" + logFile.resolveSibling("hs_err_" + spec.logName() + "_%p.log"));
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(ParentWatchdog.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(spec.mainClass());
        command.addAll(spec.args());

        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
        JVM_ENVIRONMENT.forEach(builder.environment()::remove);
        try {
            Files.createDirectories(logFile.getParent());
            long startNanos = System.nanoTime();
            Process process = builder.start();
            process.getOutputStream().close();
            return new ChildJvm(spec.title(), process, logFile, startNanos);
        } catch (IOException e) {
            throw new InfraException("Could not start the " + spec.title() + " JVM: " + e.getMessage(), e);
        }
    }

    /** The java launcher of the running JDK: servers run on the same Java as the launcher. */
    static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Copies the {@link ParentWatchdog} class file into {@code workDir/watchdog} and returns that
     * classpath directory. Copying, rather than pointing at the launcher's jar, keeps application
     * classes off the servers' classpath even when the launcher is packed into a larger jar.
     */
    static Path installWatchdog(Path workDir) {
        Path classesDir = workDir.resolve("watchdog");
        Path target = classesDir.resolve(ParentWatchdog.class.getName().replace('.', '/') + ".class");
        try (InputStream classFile = ParentWatchdog.class.getResourceAsStream(ParentWatchdog.class.getSimpleName() + ".class")) {
            if (classFile == null) {
                throw new InfraException("Class file of " + ParentWatchdog.class.getName() + " not found");
            }
            Files.createDirectories(target.getParent());
            // Both servers install it concurrently: write aside, then move into place atomically.
            Path partial = Files.createTempFile(target.getParent(), "ParentWatchdog", ".partial");
            Files.copy(classFile, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return classesDir;
        } catch (IOException e) {
            throw new InfraException("Could not install the parent watchdog into " + classesDir + ": " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Polls {@code probe} until it passes; fails at {@code deadline} or as soon as the JVM exits. */
    void awaitReady(Instant deadline, ReadinessProbe probe) {
        Exception lastFailure = null;
        while (process.isAlive()) {
            try {
                probe.check();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InfraException("Interrupted while waiting for " + name, e);
            } catch (Exception e) {
                lastFailure = e;
            }
            if (Instant.now().isAfter(deadline)) {
                throw failure(name + " was not ready after " + seconds(elapsed()) + " s (last check: " + lastFailure + ")");
            }
            if (waitForExit(POLL_INTERVAL)) {
                break;
            }
        }
        throw failure(name + " exited with code " + process.exitValue() + " during start-up");
    }

    /** Waits for a JVM that runs to completion (a tool) and returns its exit code. */
    int awaitExit(Instant deadline) {
        if (!waitForExit(Duration.between(Instant.now(), deadline))) {
            process.destroyForcibly();
            throw failure(name + " did not finish within the start timeout");
        }
        return process.exitValue();
    }

    /** SIGTERM, then SIGKILL if the JVM is still running after {@code grace}. */
    void stop(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** An exception whose message ends with the last lines of this JVM's log. */
    InfraException failure(String what) {
        return new InfraException(what + ". Last lines of " + logFile + ":\n" + logTail());
    }

    String logTail() {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long from = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            List<String> lines = new String(bytes, UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log not readable: " + e.getMessage() + ")";
        }
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfraException("Interrupted while waiting for " + name, e);
        }
    }
}
