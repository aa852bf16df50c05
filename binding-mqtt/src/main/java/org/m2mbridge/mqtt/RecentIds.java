package org.m2mbridge.mqtt;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last few thousand request IDs whose response was already taken, to drop repeats quietly: Mobius publishes
 * every response twice (with and without the format level) and QoS 1 may redeliver (docs/spec/peers.md PEER-C-2,
 * docs/spec/mqtt.md MQTT-MSG-3).
 * Bounded: the oldest entry goes first. An rqi is forgotten again when a new request puts it on the wire.
 */
final class RecentIds {
    private final Map<String, Boolean> ids;

    RecentIds(int capacity) {
        ids = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Marks {@code id}; false when it was already marked (a repeat). */
    synchronized boolean add(String id) {
        return ids.put(id, Boolean.TRUE) == null;
    }

    /** Forgets {@code id}: a new exchange uses it on the wire (rqis are reused over time). */
    synchronized void remove(String id) {
        ids.remove(id);
    }
}
