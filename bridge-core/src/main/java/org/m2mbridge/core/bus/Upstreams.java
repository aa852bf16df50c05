package org.m2mbridge.core.bus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The upstream CSEs on the bus, by name, in the order they were added (the order the {@link RouteTable} tries
 * their CSE-IDs in). Changed by wiring and reload; read by the {@link Router} and by {@link Registrations}, which
 * tells an upstream about the entities registered through it.
 */
final class Upstreams {
    private final Map<String, Upstream> byName = new LinkedHashMap<>();

    synchronized void add(Upstream upstream) {
        if (byName.putIfAbsent(upstream.name(), upstream) != null) {
            throw new IllegalStateException("upstream '" + upstream.name() + "' added twice");
        }
    }

    /** Puts {@code upstream} in place of the one of the same name, returned if any. */
    synchronized Optional<Upstream> put(Upstream upstream) {
        return Optional.ofNullable(byName.put(upstream.name(), upstream));
    }

    synchronized Optional<Upstream> remove(String name) {
        return Optional.ofNullable(byName.remove(name));
    }

    synchronized List<Upstream> all() {
        return List.copyOf(byName.values());
    }

    synchronized Optional<Upstream> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
