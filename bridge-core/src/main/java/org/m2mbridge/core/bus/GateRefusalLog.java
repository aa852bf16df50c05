package org.m2mbridge.core.bus;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of requests the registration gate refused (docs/security.md "The registration gate"): at most one line
 * per originator and reason per {@link #WINDOW}, naming the originator, the connection and the answer, so a
 * device stuck before registration is visible in the log and not only in the access log, while a device retrying
 * every few milliseconds cannot flood it. The next line for the same pair says how many were not logged. Bounded:
 * beyond {@link #MAX_KEYS} pairs the originators share one line per reason.
 */
final class GateRefusalLog {
    private static final Logger LOG = LoggerFactory.getLogger(GateRefusalLog.class);
    static final Duration WINDOW = Duration.ofSeconds(60);
    static final int MAX_KEYS = 1024;

    /** One originator and reason: when its current window started and how many refusals it left unlogged. */
    private record Window(long startNanos, AtomicLong unlogged) {
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    GateRefusalLog() {
        this(System::nanoTime);
    }

    GateRefusalLog(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Records one refusal; returns whether it was logged (false: inside the pair's window, counted for later). */
    boolean refused(String originator, String reason, String connection, int rsc, String text) {
        long now = nanoTime.getAsLong();
        String who = originator == null || originator.isEmpty() ? "(none)" : printable(originator);
        String key = reason + ' ' + who;
        if (!windows.containsKey(key) && windows.size() >= MAX_KEYS) {
            windows.values().removeIf(w -> now - w.startNanos() >= WINDOW.toNanos());
            if (windows.size() >= MAX_KEYS) {
                key = reason + " *";
                who = "(many originators)";
            }
        }
        long[] unloggedBefore = {-1};
        windows.compute(key, (k, old) -> {
            if (old == null || now - old.startNanos() >= WINDOW.toNanos()) {
                unloggedBefore[0] = old == null ? 0 : old.unlogged().get();
                return new Window(now, new AtomicLong());
            }
            old.unlogged().incrementAndGet();
            return old;
        });
        if (unloggedBefore[0] < 0) {
            return false;
        }
        LOG.warn("registration gate refused a request from '{}' on {}: {} {}{}", who, connection, rsc, printable(text),
                unloggedBefore[0] == 0 ? "" : " (" + unloggedBefore[0] + " more refusals of this originator for "
                        + reason + " in the last " + WINDOW.toSeconds() + " s were not logged)");
        return true;
    }

    /** What a device sent, safe for one log line: control characters (a forged line break) shown as '?', bounded. */
    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() <= 200 ? p : p.substring(0, 200) + "...";
    }
}
