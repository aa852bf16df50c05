package org.m2mbridge.core.budget;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code limits.messageAssemblyTimeout}: one periodic sweep over every {@link InboundBudget.Account} (no timer per
 * message or frame) that sheds a connection whose current message began longer ago than the timeout. A sender
 * that trickles a message, or stops halfway, holds budget only this long. The sweep runs every tenth of the
 * timeout (between 10 ms and 1 s), so a connection is closed at most that much after its deadline.
 */
final class AssemblyDeadline implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AssemblyDeadline.class);
    private static final Duration MIN_PERIOD = Duration.ofMillis(10);
    private static final Duration MAX_PERIOD = Duration.ofSeconds(1);

    private final InboundBudget budget;
    private final long timeoutNanos;

    AssemblyDeadline(InboundBudget budget, Duration timeout) {
        this.budget = budget;
        this.timeoutNanos = timeout.toNanos();
    }

    static ScheduledFuture<?> schedule(InboundBudget budget, Duration timeout, ScheduledExecutorService timer) {
        long period = Math.max(MIN_PERIOD.toNanos(), Math.min(MAX_PERIOD.toNanos(), timeout.toNanos() / 10));
        return timer.scheduleWithFixedDelay(new AssemblyDeadline(budget, timeout), period, period,
                TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        long now = budget.nanoTime();
        for (InboundBudget.Account a : budget.accounts()) {
            try {
                if (a.messageOlderThan(timeoutNanos, now)) {
                    budget.shed(a, ShedReason.ASSEMBLY_TIMEOUT);
                }
            } catch (RuntimeException e) { // a periodic task that throws is never run again: keep sweeping
                LOG.warn("assembly deadline: closing a connection failed", e);
            }
        }
    }
}
