package org.m2mbridge.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Warm-up of the load tool itself until its throughput settles: a fresh load-tool JVM keeps getting faster for
 * many seconds (its JIT), so a fixed warm-up measured a climbing rate (issue 19: 32.5k to 65.7k msg/s inside one
 * 5 s window). Warm-up lasts at least the given minimum, then until two consecutive 1 s windows of answers differ
 * by less than {@link #TOLERANCE}, and never more than {@link #MAX_EXTRA} beyond the minimum.
 */
final class StableWarmUp {
    /** Two consecutive windows within 5 % of each other count as stable. */
    static final double TOLERANCE = 0.05;
    /** Bound on the warm-up beyond the minimum: a noisy machine may never settle. */
    static final Duration MAX_EXTRA = Duration.ofSeconds(30);

    /** How the warm-up ended: its length, whether it settled, and the last two 1 s windows (answers). */
    record Outcome(Duration length, boolean stable, long previousWindow, long lastWindow) {
    }

    private final long startNanos = System.nanoTime();
    private final long minimumEndNanos;
    private long previous = -1;
    private long last = -1;
    /** Windows that ended after the minimum warm-up (only those may decide). */
    private int windowsAfterMinimum;

    /** @param minimum the shortest warm-up, from now */
    StableWarmUp(Duration minimum) {
        this.minimumEndNanos = startNanos + minimum.toNanos();
    }

    /** One 1 s window of answers (from the progress ticker); ignored once measuring started. */
    synchronized void window(long answers) {
        previous = last;
        last = answers;
        if (System.nanoTime() >= minimumEndNanos) {
            windowsAfterMinimum++;
        }
        notifyAll();
    }

    /** Blocks until the minimum passed, then until stable or {@link #MAX_EXTRA} more passed. */
    synchronized Outcome await() throws InterruptedException {
        long end = minimumEndNanos + MAX_EXTRA.toNanos();
        for (long now = System.nanoTime(); now < minimumEndNanos; now = System.nanoTime()) {
            TimeUnit.NANOSECONDS.timedWait(this, minimumEndNanos - now);
        }
        while (!(windowsAfterMinimum >= 1 && stable(previous, last))) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return new Outcome(Duration.ofNanos(System.nanoTime() - startNanos), false, previous, last);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return new Outcome(Duration.ofNanos(System.nanoTime() - startNanos), true, previous, last);
    }

    static boolean stable(long a, long b) {
        return a > 0 && b > 0 && Math.abs(a - b) < TOLERANCE * Math.max(a, b);
    }
}
