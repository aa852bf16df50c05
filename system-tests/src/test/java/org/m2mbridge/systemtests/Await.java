package org.m2mbridge.systemtests;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or the timeout runs out (no blind sleeps in tests). */
final class Await {
    private Await() {
    }

    static void until(Duration timeout, BooleanSupplier condition, Supplier<String> whatWasExpected) {
        until(timeout, Duration.ofMillis(20), condition, whatWasExpected);
    }

    /** Polls every {@code interval}: for conditions that cost a request to a real peer each time. */
    static void until(Duration timeout, Duration interval, BooleanSupplier condition,
                      Supplier<String> whatWasExpected) {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + timeout + ": " + whatWasExpected.get());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + whatWasExpected.get(), e);
            }
        }
    }
}
