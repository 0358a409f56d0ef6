package io.tickcast.devinfra;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Entry point of every server JVM: {@code ParentWatchdog <parentPid> <mainClass> [args...]} runs
 * {@code mainClass} and exits this JVM as soon as the parent process is gone, even when the parent
 * was killed with SIGKILL and could run no shutdown hook. The servers' own shutdown hooks then
 * stop them cleanly.
 *
 * <p>Uses the JDK only and compiles to this single class file, which the launcher copies next to
 * the server's jars: nothing else of the application reaches a server's classpath.
 */
public final class ParentWatchdog {

    /** A server whose shutdown hooks hang must still not outlive its parent. */
    private static final long HALT_AFTER_MILLIS = 60_000;

    private ParentWatchdog() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ParentWatchdog <parentPid> <mainClass> [args...]");
            System.exit(64);
        }
        long parentPid = Long.parseLong(args[0]);
        Thread watcher = new Thread(() -> exitWhenGone(parentPid), "parent-watchdog");
        watcher.setDaemon(true);
        watcher.start();
        try {
            Class.forName(args[1])
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void exitWhenGone(long parentPid) {
        ProcessHandle.of(parentPid).ifPresent(parent -> parent.onExit().join());
        Thread halter = new Thread(ParentWatchdog::haltLater, "parent-watchdog-halt");
        halter.setDaemon(true);
        halter.start();
        System.exit(0);
    }

    private static void haltLater() {
        try {
            Thread.sleep(HALT_AFTER_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(1);
    }
}
