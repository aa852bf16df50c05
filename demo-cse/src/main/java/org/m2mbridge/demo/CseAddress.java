package org.m2mbridge.demo;

import java.util.Optional;

/**
 * Turns the {@code to} and {@code fr} forms of TS-0004 6.2 / TS-0001 7.2 (primitives.md 7) into what the
 * {@link DemoCse} hosts (TEST/DEMO peer, not a product feature). The demo CSE is an IN-CSE and never a transit
 * CSE: an SP-relative or absolute address naming another CSE is simply not found.
 *
 * @param cseId   SP-relative CSE-ID, {@code /id-in}
 * @param cseName CSEBase resourceName, {@code cse-in}
 */
record CseAddress(String cseId, String cseName) {

    /**
     * The CSE-relative form of {@code to} ({@code cse-in/ae/cnt} or an ri), {@code -} replaced by the CSEBase
     * name; empty when {@code to} names another CSE. A bare {@code /id-in} is the CSEBase itself.
     */
    Optional<String> cseRelative(String to) {
        if (to == null || to.isEmpty()) {
            return Optional.empty();
        }
        String t = to;
        if (t.startsWith("//")) {
            // Absolute: drop the SP-ID, keep the SP-relative rest (we accept any SP-ID: single-SP demo).
            int slash = t.indexOf('/', 2);
            if (slash < 0) {
                return Optional.empty();
            }
            t = t.substring(slash);
        }
        if (t.startsWith("/")) {
            if (t.equals(cseId)) {
                return Optional.of(cseName);
            }
            if (!t.startsWith(cseId + "/")) {
                return Optional.empty();
            }
            t = t.substring(cseId.length() + 1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.equals("-") || t.startsWith("-/")) {
            t = cseName + t.substring(1);
        }
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    /** The originator as registered here: an SP-relative {@code /id-in/Cxyz} or absolute form becomes {@code Cxyz}. */
    String localOriginator(String fr) {
        if (fr == null) {
            return null;
        }
        return cseRelative(fr).filter(id -> fr.startsWith("/")).orElse(fr);
    }
}
