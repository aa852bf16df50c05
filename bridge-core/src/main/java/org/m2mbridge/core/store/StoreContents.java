package org.m2mbridge.core.store;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.m2mbridge.core.bus.DeliveryStore;
import org.m2mbridge.core.bus.EntityRegistry;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.bus.StoredRequest;

/**
 * What a store holds, as the operator asks for it: the registrations, and per entity how many requests are stored,
 * how many bytes, and the oldest. Read the same way from a stopped bridge's file ({@code m2m-bridge store ...}) and
 * from a running bridge ({@code GET /api/registrations}, {@code GET /api/stored}).
 */
public final class StoreContents {

    /** One registration with what is stored for it. */
    public record RegisteredEntity(String entityId, Registration.Kind kind, String upstream, Instant registeredAt,
                                   Instant expiresAt, int stored, long storedBytes) {
    }

    /**
     * The queue of one entity.
     *
     * @param registered false for requests left for an entity whose registration is gone (dropped at the next sweep
     *                   or start)
     * @param oldest     the request at the head of the queue, delivered first
     */
    public record Queue(String entityId, boolean registered, int count, long bytes, Optional<StoredRequest> oldest) {
    }

    private StoreContents() {
    }

    /** Every registration, by entity ID. */
    public static List<RegisteredEntity> registrations(EntityRegistry registry, DeliveryStore deliveries) {
        return registry.all().stream().sorted(Comparator.comparing(Registration::entityId))
                .map(r -> new RegisteredEntity(r.entityId(), r.kind(), r.upstream(), r.registeredAt(), r.expiresAt(),
                        deliveries.count(r.entityId()), deliveries.bytes(r.entityId())))
                .toList();
    }

    /** Every entity with stored requests, by entity ID. */
    public static List<Queue> queues(EntityRegistry registry, DeliveryStore deliveries) {
        Set<String> entities = new TreeSet<>(deliveries.entities());
        return entities.stream().map(id -> new Queue(id, registry.byEntityId(id).isPresent(), deliveries.count(id),
                deliveries.bytes(id), deliveries.peek(id))).filter(q -> q.count() > 0).toList();
    }
}
