package org.m2mbridge.core.log;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many lines of one kind may be logged: a burst, then one per {@code refill}. Where an event can come in a
 * flood (a refused connection, thousands of devices reconnecting, a dead upstream failing every request), a line
 * each would turn it into a disk and CPU flood too. The lines that are left out are counted, and the next line
 * that is written says how many ({@link #more}); the metrics count every event. Thread-safe, never blocks.
 */
public final class LogBudget {
    private final long burst;
    private final long refillNanos;
    private final LongAdder untold = new LongAdder();
    private long tokens; // guarded by this
    private long refilledAt; // guarded by this

    /** @param burst lines allowed at once; {@code refill} gives one more line back each time it passes */
    public LogBudget(int burst, Duration refill) {
        if (burst < 1 || refill.isNegative() || refill.isZero()) {
            throw new IllegalArgumentException("burst >= 1 and a positive refill");
        }
        this.burst = burst;
        this.refillNanos = refill.toNanos();
        this.tokens = burst;
        this.refilledAt = System.nanoTime();
    }

    /**
     * Whether one more line may be written now. When it returns -1 the event is counted as untold; otherwise it
     * returns how many were left out since the last line written (and starts counting again).
     */
    public long admit() {
        synchronized (this) {
            long now = System.nanoTime();
            long earned = (now - refilledAt) / refillNanos;
            if (earned > 0) {
                tokens = Math.min(burst, tokens + earned);
                refilledAt = tokens == burst ? now : refilledAt + earned * refillNanos;
            }
            if (tokens == 0) {
                untold.increment();
                return -1;
            }
            tokens--;
        }
        return untold.sumThenReset();
    }

    /** " (and 12 more since the previous line)" for {@code untold} > 0, else "": appended to the line written. */
    public static String more(long untold) {
        return untold > 0 ? " (and " + untold + " more since the previous line)" : "";
    }
}
