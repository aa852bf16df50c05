package org.m2mbridge.mqtt;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Delays between connection attempts to a broker: {@code first} doubled after every failed attempt up to
 * {@code max}, each jittered to between half and all of it, so that bridges that lost one broker together do not
 * come back in one burst. The cap is kept small (2 s by default): it is also how long the bridge may stay away
 * after the broker is back, and a refused connect to a restarting broker costs next to nothing.
 */
final class ReconnectBackoff {
    private final long firstMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    ReconnectBackoff(Duration first, Duration max) {
        this(first, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** {@code random}: values in [0, 1); tests pass fixed ones. */
    ReconnectBackoff(Duration first, Duration max, DoubleSupplier random) {
        this.firstMillis = Math.max(1, first.toMillis());
        this.maxMillis = Math.max(firstMillis, max.toMillis());
        this.random = random;
    }

    /** The delay before attempt {@code attempt + 1}, after {@code attempt} (1, 2, ...) consecutive failures. */
    long delayMillis(int attempt) {
        int doublings = Math.min(Math.max(attempt, 1) - 1, 20); // 2^20 x first is past any sane cap
        long ceiling = Math.min(maxMillis, firstMillis << doublings);
        return ceiling / 2 + (long) (random.getAsDouble() * (ceiling - ceiling / 2));
    }

    long maxMillis() {
        return maxMillis;
    }
}
