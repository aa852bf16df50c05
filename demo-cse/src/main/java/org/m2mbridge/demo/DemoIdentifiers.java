package org.m2mbridge.demo;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.m2mbridge.core.bus.Deadlines;

/**
 * Resource IDs, request IDs and timestamps in the shapes ACME produces (TEST/DEMO peer, not a product feature):
 * {@code cntAuEcIirwIn}-style ri (type short name + random letters), {@code 20261125T131845,151133} timestamps
 * (TS-0004 m2m:timestamp, ISO 8601 basic, UTC, with ACME's fractional seconds).
 */
final class DemoIdentifiers {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** ACME gives resources an expiration five years ahead by default. */
    private static final long DEFAULT_LIFETIME_DAYS = 5 * 365;

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    DemoIdentifiers(Clock clock) {
        this.clock = clock;
    }

    String random(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    Instant instant() {
        return clock.instant();
    }

    String now() {
        return Deadlines.format(clock.instant());
    }

    String expiration() {
        return Deadlines.format(clock.instant().plus(DEFAULT_LIFETIME_DAYS, ChronoUnit.DAYS));
    }
}
