package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reconnect delays: short first retries, doubling, capped, jittered between half and all of each step. */
class ReconnectBackoffTest {

    @Test
    void defaultsRetryWithinASecondAndNeverWaitLongerThanTheCap() {
        ReconnectBackoff low = new ReconnectBackoff(Duration.ofMillis(250), Duration.ofSeconds(2), () -> 0.0);
        ReconnectBackoff high = new ReconnectBackoff(Duration.ofMillis(250), Duration.ofSeconds(2), () -> 0.999999);
        long[] lows = {125, 250, 500, 1000, 1000, 1000};
        long[] highs = {249, 499, 999, 1999, 1999, 1999};
        long sumOfFirstThree = 0;
        for (int attempt = 1; attempt <= lows.length; attempt++) {
            assertEquals(lows[attempt - 1], low.delayMillis(attempt), "shortest delay after " + attempt);
            assertEquals(highs[attempt - 1], high.delayMillis(attempt), "longest delay after " + attempt);
            if (attempt <= 3) {
                sumOfFirstThree += high.delayMillis(attempt);
            }
        }
        assertTrue(sumOfFirstThree < 2000, "three retries within 2 s even at the longest: " + sumOfFirstThree);
        assertEquals(1999, high.delayMillis(1_000_000), "no overflow after very many attempts");
    }

    @Test
    void jitterSpreadsTheDelaysOfManyClients() {
        ReconnectBackoff b = new ReconnectBackoff(Duration.ofMillis(250), Duration.ofSeconds(2));
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1000; i++) {
            long d = b.delayMillis(10);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(min >= 1000 && max <= 2000, min + ".." + max);
        assertTrue(max - min > 500, "spread over the upper half of the cap: " + min + ".." + max);
    }
}
