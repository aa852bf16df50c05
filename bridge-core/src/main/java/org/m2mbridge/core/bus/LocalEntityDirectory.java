package org.m2mbridge.core.bus;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directory of one bridge process: registrations in an {@link EntityRegistry} (in memory or durable), bindings
 * in memory (a link is a live connection of this process).
 */
public final class LocalEntityDirectory implements EntityDirectory {
    private final EntityRegistry registry;
    private final ConcurrentHashMap<String, Link> bound = new ConcurrentHashMap<>();
    /** Serialises registry changes, so an ending registration never removes the one that replaced it. */
    private final Object registrations = new Object();

    public LocalEntityDirectory(EntityRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Optional<Registration> registration(String entityId) {
        return registry.byEntityId(entityId);
    }

    @Override
    public Optional<Registration> byToken(String token) {
        return registry.byToken(token);
    }

    @Override
    public Collection<Registration> registrations() {
        return registry.all();
    }

    @Override
    public int registrationCount() {
        return registry.size();
    }

    @Override
    public boolean register(Registration registration) {
        synchronized (registrations) {
            boolean again = registry.byEntityId(registration.entityId()).isPresent();
            registry.put(registration);
            return again;
        }
    }

    @Override
    public boolean updateIfCurrent(Registration registration) {
        synchronized (registrations) {
            if (!isCurrent(registration)) {
                return false;
            }
            registry.put(registration);
            return true;
        }
    }

    @Override
    public Optional<Optional<Link>> endIfCurrent(Registration registration) {
        synchronized (registrations) {
            if (!isCurrent(registration)) {
                return Optional.empty(); // already ended, or replaced by a newer registration this does not concern
            }
            registry.remove(registration.entityId());
            return Optional.of(Optional.ofNullable(bound.remove(registration.entityId())));
        }
    }

    private boolean isCurrent(Registration registration) {
        return registry.byEntityId(registration.entityId())
                .filter(r -> r.incarnation() == registration.incarnation()).isPresent();
    }

    @Override
    public Rebound bind(String entityId, Link link, Reidentify mode) {
        Link[] previous = new Link[1];
        boolean[] changed = new boolean[1];
        bound.compute(entityId, (id, current) -> {
            previous[0] = current;
            if (current == link || (current != null && mode == Reidentify.IF_UNBOUND)) {
                return current;
            }
            changed[0] = true;
            return link;
        });
        return changed[0] ? new Rebound(true, previous[0]) : Rebound.UNCHANGED;
    }

    @Override
    public boolean unbind(String entityId, Link link) {
        return bound.remove(entityId, link);
    }

    @Override
    public Optional<Link> boundLink(String entityId) {
        return Optional.ofNullable(bound.get(entityId));
    }

    @Override
    public int boundCount() {
        return bound.size();
    }
}
