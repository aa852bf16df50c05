package org.m2mbridge.ws;

/**
 * Token bucket for the requests one connection sends ({@code limits.requestsPerSecondPerConnection},
 * {@code limits.requestBurstPerConnection}). A request without a token is answered at once, never queued, so a
 * flooding device cannot stall its own connection or anyone else's.
 */
final class RequestRate {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    /** {@code perSecond} 0 = unlimited. */
    RequestRate(int perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    synchronized boolean tryAcquire() {
        if (perNano == 0) {
            return true;
        }
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
