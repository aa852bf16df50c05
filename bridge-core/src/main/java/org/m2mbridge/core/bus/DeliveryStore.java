package org.m2mbridge.core.bus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.m2mbridge.core.primitive.RequestPrimitive;

/**
 * Requests waiting for an entity that is not connected (TS-0020 6.2 buffering, TS-0004 Annex H): FIFO per entity,
 * bounded per entity and in total, by count and by bytes. Transport-free on purpose, so a shared engine (Redis, an
 * MQTT cluster) can later sit behind it without touching the bindings. Implementations are thread-safe; a request
 * reported {@link Outcome#STORED} is as durable as the implementation promises before the call returns.
 */
public interface DeliveryStore extends AutoCloseable {

    enum Outcome {
        STORED,
        /** The entity's own count or byte bound would be exceeded. */
        FULL_ENTITY,
        /** The store-wide count or byte bound would be exceeded. */
        FULL_GLOBAL
    }

    /** Result of {@link #offer}: the stored entry when {@code outcome} is STORED. */
    record Offered(Outcome outcome, Optional<StoredRequest> stored) {
        public boolean accepted() {
            return outcome == Outcome.STORED;
        }
    }

    /**
     * Appends {@code request} to {@code entityId}'s queue unless a bound would be exceeded (nothing is evicted).
     *
     * @param incarnation the entity's registration the request is for
     * @param attempts    deliveries already tried without an answer (1 for a request whose direct delivery failed)
     */
    Offered offer(String entityId, long incarnation, RequestPrimitive request, Instant expiresAt, int attempts);

    /** {@link #offer(String, long, RequestPrimitive, Instant, int)} for incarnation 0, never attempted. */
    default Offered offer(String entityId, RequestPrimitive request, Instant expiresAt) {
        return offer(entityId, 0, request, expiresAt, 0);
    }

    /**
     * Counts one more delivery attempt that ended without an answer, as durably as {@link #offer}: the count
     * survives a restart. Returns the entry with its new count, or empty when it is no longer stored.
     */
    Optional<StoredRequest> attempted(long id);

    /** The oldest request stored for {@code entityId}, left in place. */
    Optional<StoredRequest> peek(String entityId);

    /** The oldest request stored for {@code entityId}, removed. */
    Optional<StoredRequest> poll(String entityId);

    /** Everything stored for {@code entityId}, oldest first. */
    List<StoredRequest> pending(String entityId);

    /** Removes one entry (delivered and answered, or replaced). False when it was not there any more. */
    boolean remove(long id);

    /** Removes and returns everything stored for {@code entityId} (deregistration). */
    default List<StoredRequest> removeAll(String entityId) {
        return removeIf(entityId, s -> true);
    }

    /** Removes and returns, oldest first, what is stored for {@code entityId} and matches {@code which}. */
    List<StoredRequest> removeIf(String entityId, Predicate<StoredRequest> which);

    /** Removes and returns every entry expired at {@code now}. */
    List<StoredRequest> purgeExpired(Instant now);

    int count(String entityId);

    long bytes(String entityId);

    int count();

    long bytes();

    /** Entities with at least one stored request. */
    Set<String> entities();

    @Override
    void close();
}
