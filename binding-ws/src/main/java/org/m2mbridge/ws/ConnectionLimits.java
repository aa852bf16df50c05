package org.m2mbridge.ws;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live WebSocket connections, in total and per source address ({@code limits.maxConnections},
 * {@code limits.maxConnectionsPerAddress}). A slot is taken atomically when the opening handshake is admitted
 * ({@link #tryOpen}), not when the connection callback runs: the client has its 101 before that callback, and a
 * second handshake from it must already see the first one counted.
 */
final class ConnectionLimits {
    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * Takes a slot for a new connection from {@code address}, or names the limit ({@code limitRefusals} label) it
     * would exceed and takes nothing. Every successful call is paired with one {@link #closed}.
     */
    Optional<String> tryOpen(InetAddress address) {
        if (total.getAndUpdate(n -> n < maxTotal ? n + 1 : n) >= maxTotal) {
            return Optional.of("ws_connections");
        }
        if (address != null) {
            boolean[] admitted = {false};
            perAddress.compute(address, (a, n) -> {
                AtomicInteger count = n == null ? new AtomicInteger() : n;
                if (count.get() < maxPerAddress) {
                    count.incrementAndGet();
                    admitted[0] = true;
                }
                return count.get() == 0 ? null : count;
            });
            if (!admitted[0]) {
                total.decrementAndGet();
                return Optional.of("ws_connections_per_address");
            }
        }
        return Optional.empty();
    }

    void closed(InetAddress address) {
        total.decrementAndGet();
        if (address != null) {
            // drop the entry at zero so the map holds only addresses with live connections
            perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() == 0 ? null : n);
        }
    }
}
