package org.m2mbridge.core.bus;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.m2mbridge.core.log.LogBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reachability of one upstream, kept by its binding ({@link Upstream#health()}): every change between up and
 * down is logged once, with its cause, so a dead upstream that fails thousands of requests with 5103 writes one
 * line, not one per request (and a flapping one at most a burst, {@link LogBudget}). Thread-safe.
 */
public final class UpstreamState {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamState.class);

    private final String upstream;
    private final AtomicReference<UpstreamHealth> now;
    private final LogBudget lines = new LogBudget(10, Duration.ofSeconds(6));

    /**
     * @param up     the state to start in: an HTTP upstream is presumed reachable until an exchange or a probe says
     *               otherwise; a connection-oriented one (MQTT, ws) is not until it is connected
     * @param reason why, in words ({@code not contacted yet})
     */
    public UpstreamState(String upstream, boolean up, String reason) {
        this.upstream = upstream;
        this.now = new AtomicReference<>(new UpstreamHealth(up, reason, Instant.now()));
    }

    public UpstreamHealth health() {
        return now.get();
    }

    public boolean isUp() {
        return now.get().up();
    }

    /** Reachable because {@code why} ({@code answered a request}). */
    public void up(String why) {
        change(true, why);
    }

    /** Not reachable because {@code why} ({@code cannot connect to ...: Connection refused}). */
    public void down(String why) {
        change(false, why);
    }

    private void change(boolean up, String why) {
        UpstreamHealth before = now.get();
        if (before.up() == up) {
            // the latest cause, keeping the time of the change (a constant "why" allocates nothing per request)
            if (!why.equals(before.reason())) {
                now.compareAndSet(before, new UpstreamHealth(up, why, before.since()));
            }
            return;
        }
        Instant at = Instant.now();
        if (!now.compareAndSet(before, new UpstreamHealth(up, why, at))) {
            change(up, why); // another thread changed it meanwhile: decide again on its state
            return;
        }
        long more = lines.admit();
        if (more < 0) {
            return;
        }
        String after = formatDuration(Duration.between(before.since(), at));
        if (up) {
            LOG.info("upstream {} is UP after {} down: {}{}", upstream, after, why, LogBudget.more(more));
        } else {
            LOG.warn("upstream {} is DOWN: {}; requests that cannot reach it are answered 5103 until it is back{}", upstream, why,
                    LogBudget.more(more));
        }
    }

    /** {@code 850 ms}, {@code 12.3 s}, {@code 4 min 5 s}, {@code 2 h 3 min}: for people, not parsers. */
    public static String formatDuration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
