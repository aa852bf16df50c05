package org.m2mbridge.mqtt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * Requests received lately, by (originator, rqi, op, to), with their response: a QoS 1 redelivery of a request
 * (DUP) is answered with the same response instead of reaching the device twice (mqtt-binding.md 6; Mobius caches
 * responses by op, to and rqi for the same reason). Bounded: the oldest entry goes first.
 */
final class RecentExchanges {
    private final Map<String, CompletableFuture<ResponsePrimitive>> byKey;

    RecentExchanges(int capacity) {
        byKey = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<ResponsePrimitive>> eldest) {
                return size() > capacity;
            }
        };
    }

    static String key(String originator, String rqi, String op, String to) {
        return originator + '\u0000' + rqi + '\u0000' + op + '\u0000' + to;
    }

    /** The exchange already under {@code key}, or null after recording {@code fresh} under it. */
    synchronized CompletableFuture<ResponsePrimitive> putIfAbsent(String key, CompletableFuture<ResponsePrimitive> fresh) {
        return byKey.putIfAbsent(key, fresh);
    }

    /** Forgets the exchange under {@code key} if it is still {@code exchange}. */
    synchronized void forget(String key, CompletableFuture<ResponsePrimitive> exchange) {
        byKey.remove(key, exchange);
    }
}
