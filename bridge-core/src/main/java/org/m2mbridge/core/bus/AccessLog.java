package org.m2mbridge.core.bus;

import java.util.Locale;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One line per primitive exchange that went through the bus, on logger {@code m2mbridge.access} (its own appender
 * and file in config/logback.xml). Written when {@link PrimitiveBus#send} completes, so every binding gets it.
 * Identifiers and status only, never content: {@code pc} may be personal data.
 *
 * <pre>conn=ws-3 side=down fr=Cae1 rqi=r-17 op=create to=cse-in ty=2 rsc=2001 ms=12.4</pre>
 * The same {@code conn}, {@code rqi} and {@code fr} are in the MDC while the line is logged, for JSON encoders.
 */
public final class AccessLog {
    public static final String LOGGER = "m2mbridge.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AccessLog() {
    }

    static void exchanged(RequestPrimitive request, Origin origin, ResponsePrimitive response, long startedNanos) {
        write(request, origin, response, (System.nanoTime() - startedNanos) / 1e6);
    }

    /**
     * A request a binding answered itself, before the bus (a malformed primitive, a limit, the registration gate):
     * the same line with {@code ms=0.0}. {@code request} is null when the message did not decode; the line then
     * carries the response's {@code rqi} if one could be read.
     */
    public static void answeredLocally(RequestPrimitive request, Origin origin, ResponsePrimitive response) {
        if (request != null) {
            write(request, origin, response, 0.0);
        } else if (LOG.isInfoEnabled()) {
            log(origin, response.rqi(), null, line(origin, null, response.rqi(), null, null, null, response, 0.0));
        }
    }

    private static void write(RequestPrimitive request, Origin origin, ResponsePrimitive response, double millis) {
        if (LOG.isInfoEnabled()) {
            log(origin, request.rqi(), request.fr(), line(request, origin, response, millis));
        }
    }

    private static void log(Origin origin, String rqi, String fr, String line) {
        MDC.put("conn", origin.connection());
        MDC.put("rqi", String.valueOf(rqi));
        MDC.put("fr", String.valueOf(fr));
        try {
            LOG.info(line);
        } finally {
            MDC.remove("conn");
            MDC.remove("rqi");
            MDC.remove("fr");
        }
    }

    /** The line without timestamp (the appender's pattern adds it). */
    public static String line(RequestPrimitive request, Origin origin, ResponsePrimitive response, double millis) {
        return line(origin, request.fr(), request.rqi(), request.op(), request.to(), request.ty(), response, millis);
    }

    private static String line(Origin origin, String fr, String rqi, Operation op, String to, Integer ty,
                               ResponsePrimitive response, double millis) {
        StringBuilder b = new StringBuilder(160)
                .append("conn=").append(origin.connection())
                .append(" side=").append(origin.side() == Origin.Side.DOWNSTREAM ? "down" : "up")
                .append(" fr=").append(token(fr))
                .append(" rqi=").append(token(rqi))
                .append(" op=").append(op == null ? "-" : op.name().toLowerCase(Locale.ROOT))
                .append(" to=").append(token(to));
        if (ty != null) {
            b.append(" ty=").append(ty);
        }
        b.append(" rsc=").append(response == null ? "-" : String.valueOf(response.rsc()));
        // one decimal without String.format, which costs more than the rest of the line (docs/benchmarks.md)
        long tenths = Math.round(Math.max(0, millis) * 10);
        return b.append(" ms=").append(tenths / 10).append('.').append(tenths % 10).toString();
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
}
