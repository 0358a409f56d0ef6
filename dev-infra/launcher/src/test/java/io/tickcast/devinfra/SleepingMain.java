package io.tickcast.devinfra;

import java.util.concurrent.CountDownLatch;

/** A stand-in server for tests: says it is running, then blocks until killed. */
public final class SleepingMain {

    private SleepingMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("running");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
