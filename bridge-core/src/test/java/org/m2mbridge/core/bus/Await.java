package org.m2mbridge.core.bus;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or the timeout passes (tests never sleep for a condition). */
public final class Await {
    private Await() {
    }

    public static void until(Duration timeout, BooleanSupplier condition) {
        until(timeout, condition, () -> "condition");
    }

    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached within " + timeout + ": " + what.get());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
