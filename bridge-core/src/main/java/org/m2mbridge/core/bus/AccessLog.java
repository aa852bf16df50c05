package org.m2mbridge.core.bus;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One line per primitive exchange that went through the bus, on logger {@code m2mbridge.access} (its own appender
 * and file in config/logback.xml). Written when {@link PrimitiveBus#send} completes, so every binding gets it.
 * Identifiers and status only, never content: {@code pc} may be personal data.
 *
 * <pre>2026-11-25T15:30:15.123Z conn=ws-3 side=down fr=Cae1 rqi=r-17 op=create to=cse-in ty=2 rsc=2001 ms=12.4 via=in-cse flag=-</pre>
 * {@code via} is where the exchange went: the upstream's name, or the id of the device connection a request from
 * upstream was delivered on; {@code -} when it went nowhere. {@code flag} is a {@link ResponseFlag} when the bridge
 * answered itself (no route, timeout, connection failure, ...), {@code -} when the next hop answered.
 * The same {@code conn}, {@code rqi} and {@code fr} are in the MDC while the line is logged, for JSON encoders.
 * <p>
 * Why its own queue rather than logback's AsyncAppender: that appender wakes its worker for every line, and those
 * wake-ups (a futex on the I/O thread, a context switch on a 2-core box) cost the bridge about a third of its CPU
 * per forwarded primitive (docs/benchmarks.md). Here the I/O thread only drops a small record into a bounded queue
 * and never signals; one writer thread wakes every {@value #DRAIN_MILLIS} ms, formats the lines and hands them to
 * the logger. The line's time is taken when the exchange completes, not when it is written. When the queue is full
 * lines are dropped and counted ({@link #dropped()}), never waited for.
 */
public final class AccessLog {
    public static final String LOGGER = "m2mbridge.access";
    static final int CAPACITY = 16_384;
    static final long DRAIN_MILLIS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final BlockingQueue<Entry> QUEUE = new ArrayBlockingQueue<>(CAPACITY);
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final Object DRAINING = new Object();
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static long cachedSecond = Long.MIN_VALUE; // guarded by DRAINING
    private static String cachedPrefix = ""; // guarded by DRAINING

    /** One exchange, as captured on the thread that completed it; formatted later by the writer. */
    private record Entry(long epochMillis, Ingress.Side side, String connection, String fr, String rqi, Operation op,
                         String to, Integer ty, int rsc, double millis, String via, ResponseFlag flag) {
    }

    private AccessLog() {
    }

    static void exchanged(RequestPrimitive request, Ingress ingress, ResponsePrimitive response, String via,
                          long startedNanos) {
        write(request, ingress, response, via, (System.nanoTime() - startedNanos) / 1e6);
    }

    /**
     * A request a binding answered itself, before the bus (a malformed primitive, a limit, the registration gate):
     * the same line with {@code ms=0.0}. {@code request} is null when the message did not decode; the line then
     * carries the response's {@code rqi} if one could be read.
     */
    public static void answeredLocally(RequestPrimitive request, Ingress ingress, ResponsePrimitive response) {
        if (request != null) {
            write(request, ingress, response, null, 0.0);
        } else if (LOG.isInfoEnabled()) {
            enqueue(new Entry(System.currentTimeMillis(), ingress.side(), ingress.connection(), null, response.rqi(),
                    null, null, null, response.rsc(), 0.0, null, response.flag()));
        }
    }

    private static void write(RequestPrimitive request, Ingress ingress, ResponsePrimitive response, String via,
                              double millis) {
        if (LOG.isInfoEnabled()) {
            enqueue(new Entry(System.currentTimeMillis(), ingress.side(), ingress.connection(), request.fr(),
                    request.rqi(), request.op(), request.to(), request.ty(), response == null ? -1 : response.rsc(),
                    millis, via, response == null ? null : response.flag()));
        }
    }

    private static void enqueue(Entry entry) {
        if (!QUEUE.offer(entry)) {
            DROPPED.incrementAndGet();
        }
        Writer.ensureStarted();
    }

    /** Access lines dropped because the queue was full (the writer could not keep up), since the JVM started. */
    public static long dropped() {
        return DROPPED.get();
    }

    /** Writes every line queued so far, on the calling thread; a stopping bridge calls it last. */
    public static void flush() {
        for (int i = 0; i < 2 * CAPACITY / Writer.BATCH && drainOnce() > 0; i++) {
            // bounded: lines that keep arriving while the bridge stops are the writer's
        }
    }

    private static int drainOnce() {
        synchronized (DRAINING) {
            List<Entry> batch = Writer.batch;
            batch.clear();
            QUEUE.drainTo(batch, Writer.BATCH);
            for (Entry e : batch) {
                log(e);
            }
            int n = batch.size();
            batch.clear();
            return n;
        }
    }

    private static void log(Entry e) {
        MDC.put("conn", e.connection());
        MDC.put("rqi", String.valueOf(e.rqi()));
        MDC.put("fr", String.valueOf(e.fr()));
        try {
            StringBuilder b = new StringBuilder(192);
            timestamp(b, e.epochMillis()).append(' ');
            LOG.info(appendLine(b, e.side(), e.connection(), e.fr(), e.rqi(), e.op(), e.to(), e.ty(), e.rsc(),
                    e.millis(), e.via(), e.flag()).toString());
        } catch (RuntimeException failure) {
            // a broken appender must not end the writer: the next lines may log fine
            LoggerFactory.getLogger(AccessLog.class).warn("access line not written: {}", failure.toString());
        } finally {
            MDC.remove("conn");
            MDC.remove("rqi");
            MDC.remove("fr");
        }
    }

    /** The line without timestamp, as logged after it; {@code via} is null when the exchange went nowhere. */
    public static String line(RequestPrimitive request, Ingress ingress, ResponsePrimitive response, String via,
                              double millis) {
        return appendLine(new StringBuilder(160), ingress.side(), ingress.connection(), request.fr(), request.rqi(),
                request.op(), request.to(), request.ty(), response == null ? -1 : response.rsc(), millis, via,
                response == null ? null : response.flag()).toString();
    }

    private static StringBuilder appendLine(StringBuilder b, Ingress.Side side, String connection, String fr,
                                            String rqi, Operation op, String to, Integer ty, int rsc,
                                            double millis, String via, ResponseFlag flag) {
        b.append("conn=").append(connection)
                .append(" side=").append(side == Ingress.Side.DOWNSTREAM ? "down" : "up")
                .append(" fr=").append(token(fr))
                .append(" rqi=").append(token(rqi))
                .append(" op=").append(op == null ? "-" : op.name().toLowerCase(Locale.ROOT))
                .append(" to=").append(token(to));
        if (ty != null) {
            b.append(" ty=").append(ty);
        }
        b.append(" rsc=");
        if (rsc < 0) {
            b.append('-');
        } else {
            b.append(rsc);
        }
        // one decimal without String.format, which costs more than the rest of the line (docs/benchmarks.md)
        long tenths = Math.round(Math.max(0, millis) * 10);
        return b.append(" ms=").append(tenths / 10).append('.').append(tenths % 10)
                .append(" via=").append(token(via))
                .append(" flag=").append(flag == null ? "-" : flag.name());
    }

    /** Keeps one field one token: a space or newline in a device-chosen value cannot forge another field or line. */
    private static String token(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        if (value.length() <= 256 && isClean(value)) {
            return value; // the usual case: nothing to replace, no copy
        }
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length() && i < 256; i++) {
            char c = value.charAt(i);
            b.append(c <= ' ' || c == 0x7f ? '_' : c);
        }
        return b.toString();
    }

    private static boolean isClean(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * ISO 8601 UTC with milliseconds, e.g. 2026-11-25T15:30:15.123Z. The per-second prefix is cached; the drain
     * lock guards the cache (re-entrant for the writer, which already holds it).
     */
    static StringBuilder timestamp(StringBuilder b, long epochMillis) {
        synchronized (DRAINING) {
            long second = Math.floorDiv(epochMillis, 1000);
            if (second != cachedSecond) {
                cachedPrefix = SECOND.format(Instant.ofEpochSecond(second));
                cachedSecond = second;
            }
            int millis = (int) Math.floorMod(epochMillis, 1000);
            b.append(cachedPrefix);
            if (millis < 100) {
                b.append('0');
            }
            if (millis < 10) {
                b.append('0');
            }
            return b.append(millis).append('Z');
        }
    }

    /** The writer thread, started on the first line (a bridge with the access log OFF never has one). */
    private static final class Writer {
        static final int BATCH = 1024;
        static final List<Entry> batch = new ArrayList<>(BATCH); // guarded by DRAINING

        static {
            Thread t = new Thread(Writer::run, "m2m-access-log");
            t.setDaemon(true); // Bridge.close() flushes; a daemon never holds the JVM up
            t.start();
        }

        static void ensureStarted() {
            // class initialisation above starts the thread exactly once
        }

        private static void run() {
            while (true) {
                if (drainOnce() < BATCH) {
                    // no signal from the producers: the writer looks again after a while (the point of this class)
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS));
                }
            }
        }
    }
}
