package org.m2mbridge.core.bus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.m2mbridge.core.primitive.RequestPrimitive;

/**
 * Deadline of an outstanding request: the request expiration timestamp {@code rqet} when present (TS-0004 6.4.1;
 * m2m:absRelTimestamp, absolute {@code YYYYMMDDThhmmss[,ffffff]} in UTC, or relative milliseconds), else the
 * configured default; never later than the configured maximum, so no blocking exchange is held forever.
 */
public final class Deadlines {
    private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    private final Duration defaultTimeout;
    private final Duration maxTimeout;
    private final Clock clock;

    public Deadlines(Duration defaultTimeout, Duration maxTimeout, Clock clock) {
        this.defaultTimeout = defaultTimeout;
        this.maxTimeout = maxTimeout;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** The deadline for {@code request}, capped at now + max. May lie in the past (caller answers 4008). */
    public Instant deadlineOf(RequestPrimitive request) {
        Instant now = clock.instant();
        Instant cap = now.plus(maxTimeout);
        Instant wanted = parseAbsRel(request.rqet(), now).orElse(now.plus(defaultTimeout));
        return wanted.isAfter(cap) ? cap : wanted;
    }

    /**
     * Parses an m2m:absRelTimestamp: absolute basic-format UTC timestamp (fraction after ',' or '.'), a number of
     * milliseconds relative to {@code reference}, or an ISO-8601 duration such as {@code PT2S} (accepted because
     * ACME does). Empty for null or unparseable input: an unparseable rqet is not worth refusing a request for.
     */
    public static Optional<Instant> parseAbsRel(String value, Instant reference) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            if (v.chars().allMatch(Character::isDigit) && v.length() < 15) {
                return Optional.of(reference.plusMillis(Long.parseLong(v)));
            }
            if (v.length() >= 15 && v.charAt(8) == 'T') {
                return parseTimestamp(v);
            }
            if (v.startsWith("P") || v.startsWith("-P")) {
                return Optional.of(reference.plus(Duration.parse(v)));
            }
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Parses an m2m:timestamp, {@code YYYYMMDDThhmmss[,ffffff]} in UTC (fraction after ',' or '.'), as a resource's
     * expiration time {@code et} is written. Empty for null or anything else.
     */
    public static Optional<Instant> parseTimestamp(String value) {
        String v = value == null ? "" : value.trim();
        if (v.length() < 15 || v.charAt(8) != 'T') {
            return Optional.empty();
        }
        try {
            Instant t = LocalDateTime.parse(v.substring(0, 15), BASIC).toInstant(ZoneOffset.UTC);
            if (v.length() > 16 && (v.charAt(15) == ',' || v.charAt(15) == '.')) {
                String frac = (v.substring(16).replaceAll("[^0-9].*$", "") + "000000000").substring(0, 9);
                t = t.plusNanos(Long.parseLong(frac));
            }
            return Optional.of(t);
        } catch (DateTimeParseException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Formats an instant as an m2m:timestamp ({@code YYYYMMDDThhmmss,ffffff}, UTC), the form ACME emits. */
    public static String format(Instant t) {
        LocalDateTime l = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        return BASIC.format(l) + String.format(",%06d", l.getNano() / 1000);
    }
}
