package io.tickcast.devinfra;

/** A stand-in server for tests that fails during start-up. */
public final class FailingMain {

    private FailingMain() {
    }

    public static void main(String[] args) {
        System.err.println("fatal: cannot open data directory");
        System.exit(3);
    }
}
