package org.m2mbridge.listener;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns about refused and cut connections of one listener, at most once per {@link #INTERVAL_SECONDS} seconds: a
 * flood produces thousands of refusals a second, and a log line each would turn it into a disk and CPU flood too.
 * Each warning says how many were left out since the previous one; the metric counts every refusal.
 */
final class RefusalLog {
    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
    static final long INTERVAL_SECONDS = 10;
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS);

    private final String listener;
    private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());
    private final LongAdder untold = new LongAdder();

    /** @param listener the listener's configuration key, e.g. {@code listeners.http} */
    RefusalLog(String listener) {
        this.listener = listener;
    }

    /**
     * One connection refused or cut: {@code what} happened to it ({@code refused}, {@code closed}), {@code why}
     * names the limit and its setting.
     */
    void note(String what, InetAddress from, String why) {
        long now = System.nanoTime();
        long due = nextWarning.get();
        if (now - due < 0 || !nextWarning.compareAndSet(due, now + INTERVAL_NANOS)) {
            untold.increment();
            return;
        }
        long more = untold.sumThenReset();
        LOG.warn("{}: {} a connection from {}: {}{}", listener, what, from == null ? "?" : from.getHostAddress(), why,
                more == 0 ? "" : " (and " + more + " more since the previous warning)");
    }
}
