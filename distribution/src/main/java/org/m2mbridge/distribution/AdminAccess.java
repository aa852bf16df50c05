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
 * No token configured = open, which is what the loopback-only default listener means.
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
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            ex.getResponseSender().send("{\"error\":\"admin token required (admin.token)\"}");
        };
    }

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
