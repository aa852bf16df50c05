package org.m2mbridge.ws;

import java.util.List;

/**
 * The originators ({@code fr}) one connection may use. {@link #UNCHECKED} on plain ws and when no
 * {@code ws.identities} are configured (today's trust model); otherwise the patterns granted to the client's
 * certificate, possibly none. A pattern is an exact ID or a prefix ending in {@code *}.
 */
record OriginatorGrant(boolean checked, List<String> patterns, String holder) {
    static final OriginatorGrant UNCHECKED = new OriginatorGrant(false, List.of(), "unauthenticated");

    OriginatorGrant {
        patterns = List.copyOf(patterns);
    }

    boolean allows(String originator) {
        if (!checked) {
            return true;
        }
        if (originator == null || originator.isEmpty()) {
            return false;
        }
        for (String p : patterns) {
            if (p.endsWith("*") ? originator.startsWith(p.substring(0, p.length() - 1)) : p.equals(originator)) {
                return true;
            }
        }
        return false;
    }
}
