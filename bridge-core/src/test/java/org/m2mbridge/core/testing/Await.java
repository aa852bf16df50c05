package org.m2mbridge.core.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by looking at it every few milliseconds until it holds or the timeout passes: the one way
 * tests wait (never a blind sleep). The pause between looks leaves the CPU to the code under test, which matters on
 * a busy machine; timeouts are upper bounds, so generous ones cost nothing when things go well.
 */
public final class Await {
    /** Between two looks at the condition. */
    private static final Duration POLL = Duration.ofMillis(10);

    private Await() {
    }

    /** Fails the test unless {@code condition} holds within {@code timeout}. */
    public static void until(Duration timeout, BooleanSupplier condition) {
        until(timeout, condition, () -> "condition");
    }

    /** Fails the test unless {@code condition} holds within {@code timeout}; {@code what} names it in the failure. */
    public static void until(Duration timeout, BooleanSupplier condition, String what) {
        until(timeout, condition, () -> what);
    }

    /** Fails the test unless {@code condition} holds within {@code timeout}; {@code what} names it in the failure. */
    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
        until(timeout, POLL, condition, what);
    }

    /** As {@link #until(Duration, BooleanSupplier, Supplier)}, looking every {@code interval}: for conditions that cost a request to a real peer each time. */
    public static void until(Duration timeout, Duration interval, BooleanSupplier condition, Supplier<String> what) {
        if (!within(timeout, interval, condition)) {
            throw new AssertionError("not within " + timeout + ": " + what.get());
        }
    }

    /**
     * Whether {@code condition} holds within {@code timeout}, for the caller's own assertion (also "this does not
     * happen within ..."): true as soon as it holds, false once the timeout has passed.
     */
    public static boolean within(Duration timeout, BooleanSupplier condition) {
        return within(timeout, POLL, condition);
    }

    private static boolean within(Duration timeout, Duration interval, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(interval.toNanos()); // between looks, not a wait for the condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting", e);
            }
        }
        return true;
    }
}
