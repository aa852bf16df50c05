package org.m2mbridge.http;

import java.util.Iterator;
import org.apache.hc.core5.http.HeaderElement;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.message.MessageSupport;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.client5.http.ConnectionKeepAliveStrategy;

/**
 * How long a pooled connection to the upstream may be reused: retire it BEFORE the upstream's own keep-alive timer
 * closes it. A request written at the instant the upstream closes an idle connection fails after it may have
 * reached the upstream, and a CREATE (POST) must then not be retried; the only safe cure is never to reuse a
 * connection that close to the upstream's timeout. Node (Mobius) and Apache announce theirs with
 * {@code Keep-Alive: timeout=5} (RFC 7230 A.1.2); we keep it for that minus a margin. Without the header, the
 * configured {@code idleEvict} is the assumed upstream timeout.
 */
final class KeepAliveBeforeUpstream implements ConnectionKeepAliveStrategy {
    /** Margin before the upstream's announced timeout: at least 500 ms, or a fifth of it. */
    static final long MIN_MARGIN_MS = 500;

    private final TimeValue withoutHeader;

    KeepAliveBeforeUpstream(TimeValue withoutHeader) {
        this.withoutHeader = withoutHeader;
    }

    @Override
    public TimeValue getKeepAliveDuration(HttpResponse response, HttpContext context) {
        Iterator<HeaderElement> it = MessageSupport.iterate(response, "Keep-Alive");
        while (it.hasNext()) {
            HeaderElement e = it.next();
            if ("timeout".equalsIgnoreCase(e.getName()) && e.getValue() != null) {
                try {
                    long announcedMs = Long.parseLong(e.getValue().trim()) * 1000;
                    long keepMs = announcedMs - Math.max(MIN_MARGIN_MS, announcedMs / 5);
                    return TimeValue.ofMilliseconds(Math.max(0, Math.min(keepMs, withoutHeader.toMilliseconds())));
                } catch (NumberFormatException ignored) {
                    // a malformed header is no reason to fail the exchange
                }
            }
        }
        return withoutHeader;
    }
}
