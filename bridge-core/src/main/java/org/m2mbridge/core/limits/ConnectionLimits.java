package org.m2mbridge.core.limits;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live connections of one listener (or listener family), in total and per source address: the WebSocket listeners
 * ({@code limits.maxConnections}, {@code limits.maxConnectionsPerAddress}) and each HTTP listener
 * ({@code http.maxConnections}, {@code admin.maxConnections}, ...). A slot is taken atomically by {@link #tryOpen}
 * and given back by exactly one {@link #closed}; safe from any thread.
 */
public final class ConnectionLimits {
    /** Which cap a refused connection would have exceeded. */
    public enum Refusal {
        /** The listener's total. */
        CONNECTIONS,
        /** The connections from one source address. */
        CONNECTIONS_PER_ADDRESS
    }

    private volatile int maxTotal;
    private volatile int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * Takes a slot for a new connection from {@code address} ({@code null}: unknown, counted in the total only), or
     * names the cap it would exceed and takes nothing. Every successful call is paired with one {@link #closed}.
     */
    public Optional<Refusal> tryOpen(InetAddress address) {
        if (total.getAndUpdate(n -> n < maxTotal ? n + 1 : n) >= maxTotal) {
            return Optional.of(Refusal.CONNECTIONS);
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
                return Optional.of(Refusal.CONNECTIONS_PER_ADDRESS);
            }
        }
        return Optional.empty();
    }

    public void closed(InetAddress address) {
        total.decrementAndGet();
        if (address != null) {
            // drop the entry at zero so the map holds only addresses with live connections
            perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() == 0 ? null : n);
        }
    }

    /**
     * Reload: new caps for the connections opened from now on. Open connections above a lowered cap stay open; no
     * new one is admitted until they are below it.
     */
    public void resize(int newMaxTotal, int newMaxPerAddress) {
        this.maxTotal = newMaxTotal;
        this.maxPerAddress = newMaxPerAddress;
    }

    /** Connections holding a slot now. */
    public int open() {
        return total.get();
    }
}
