package org.m2mbridge.core.bus;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Default registry: two concurrent maps. Lost on restart (durable registry: store-and-forward issue). */
public final class InMemoryEntityRegistry implements EntityRegistry {
    private final ConcurrentHashMap<String, Registration> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Registration> byToken = new ConcurrentHashMap<>();

    @Override
    public synchronized void put(Registration registration) {
        Registration old = byId.put(registration.entityId(), registration);
        if (old != null) {
            byToken.remove(old.token());
        }
        byToken.put(registration.token(), registration);
    }

    @Override
    public Optional<Registration> byEntityId(String entityId) {
        return entityId == null ? Optional.empty() : Optional.ofNullable(byId.get(entityId));
    }

    @Override
    public Optional<Registration> byToken(String token) {
        return token == null ? Optional.empty() : Optional.ofNullable(byToken.get(token));
    }

    @Override
    public synchronized Optional<Registration> remove(String entityId) {
        Registration old = byId.remove(entityId);
        if (old != null) {
            byToken.remove(old.token());
        }
        return Optional.ofNullable(old);
    }

    @Override
    public Collection<Registration> all() {
        return List.copyOf(byId.values());
    }

    @Override
    public int size() {
        return byId.size();
    }
}
