package org.m2mbridge.core.bus;

import java.util.Collection;
import java.util.Optional;

/**
 * Entities registered through the bridge, by entity ID and by point-of-access token. An interface so that a
 * durable or shared store can replace the in-memory default without touching the bindings.
 */
public interface EntityRegistry {

    /** Adds or replaces the registration of {@code registration.entityId()}. */
    void put(Registration registration);

    Optional<Registration> byEntityId(String entityId);

    Optional<Registration> byToken(String token);

    /** Removes and returns the registration, if any. */
    Optional<Registration> remove(String entityId);

    Collection<Registration> all();

    int size();
}
