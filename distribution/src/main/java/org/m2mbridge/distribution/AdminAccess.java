package org.m2mbridge.distribution;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Deque;
import org.m2mbridge.core.config.AdminSettings;

/**
 * The admin token ({@code admin.token}): guards {@code /api/*} and {@code /status} (and {@code /metrics} with
 * {@code admin.protectMetrics}). A request proves it with {@code Authorization: Bearer <token>}; the page also
 * accepts {@code ?token=} because a browser cannot add a header to a typed URL (its script then uses the header).
 * No token configured = open, which is what the loopback-only default listener means. A refused browser (one that
 * asks for {@code text/html}) gets a short page saying how to pass the token; API clients get JSON.
 */
final class AdminAccess {
    private final byte[] token;

    AdminAccess(AdminSettings settings) {
        this.token = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code next} behind the token; {@code queryToken} allows {@code ?token=} (the HTML page only). */
    HttpHandler guard(HttpHandler next, boolean queryToken) {
        if (token == null) {
            return next;
        }
        return ex -> {
            if (allowed(ex, queryToken)) {
                next.handleRequest(ex);
                return;
            }
            ex.setStatusCode(StatusCodes.UNAUTHORIZED);
            ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"m2m-bridge admin\"");
            ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            if (wantsHtml(ex)) {
                ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
                ex.getResponseSender().send(TOKEN_HINT);
            } else {
                ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                ex.getResponseSender().send("{\"error\":\"admin token required (admin.token)\"}");
            }
        };
    }

    /** A browser's navigation asks for text/html first; fetch() and curl send a wildcard or application/json. */
    private static boolean wantsHtml(HttpServerExchange ex) {
        String accept = ex.getRequestHeaders().getFirst(Headers.ACCEPT);
        if (accept == null) {
            return false;
        }
        int html = accept.indexOf("text/html");
        int json = accept.indexOf("application/json");
        return html >= 0 && (json < 0 || html < json);
    }

    /** Static: it echoes nothing from the request. */
    private static final String TOKEN_HINT = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>m2m-bridge: admin token required</title>
            <style>body { font: 15px system-ui, sans-serif; margin: 2em; max-width: 44em; color: #222; }
            code { background: #f4f4f4; padding: 0 .2em; }</style></head>
            <body><h1>Admin token required</h1>
            <p>This page of the m2m-bridge admin listener needs the admin token (<code>admin.token</code> in
            <code>bridge.yaml</code>).</p>
            <p>In a browser, open the status page with the token in the address:
            <code>/status?token=&lt;admin.token&gt;</code>. Tools send the header
            <code>Authorization: Bearer &lt;admin.token&gt;</code>.</p>
            <p><code>/health/live</code>, <code>/health/ready</code> and (unless <code>admin.protectMetrics</code>)
            <code>/metrics</code> need no token.</p>
            </body></html>
            """;

    private boolean allowed(HttpServerExchange ex, boolean queryToken) {
        String auth = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && matches(auth.substring(7).trim())) {
            return true;
        }
        Deque<String> q = queryToken ? ex.getQueryParameters().get("token") : null;
        return q != null && !q.isEmpty() && matches(q.getFirst());
    }

    /** Constant time, so response timing does not reveal how much of a guess was right. */
    private boolean matches(String candidate) {
        return MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }
}
