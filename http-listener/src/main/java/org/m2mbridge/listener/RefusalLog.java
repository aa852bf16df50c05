package org.m2mbridge.listener;

import java.net.InetAddress;
import java.time.Duration;
import org.m2mbridge.core.log.LogBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns about refused and cut connections of one listener, at most once per {@link #INTERVAL_SECONDS} seconds: a
 * flood produces thousands of refusals a second ({@link LogBudget}). Each warning says how many were left out since
 * the previous one; the metric counts every refusal.
 */
final class RefusalLog {
    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
    static final long INTERVAL_SECONDS = 10;

    private final String listener;
    private final LogBudget budget = new LogBudget(1, Duration.ofSeconds(INTERVAL_SECONDS));

    /** @param listener the listener's configuration key, e.g. {@code listeners.http} */
    RefusalLog(String listener) {
        this.listener = listener;
    }

    /**
     * One connection refused or cut: {@code what} happened to it ({@code refused}, {@code closed}), {@code why}
     * names the limit and its setting.
     */
    void note(String what, InetAddress from, String why) {
        long more = budget.admit();
        if (more >= 0) {
            LOG.warn("{}: {} a connection from {}: {}{}", listener, what, from == null ? "?" : from.getHostAddress(),
                    why, LogBudget.more(more));
        }
    }
}
