package org.m2mbridge.core.bus;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * Something the bus can hand a request to and get the response back from: an upstream CSE (HTTP, MQTT) or a
 * downstream connection that entities are bound to (a WebSocket session). Correlation of responses is the
 * link's own business (see {@link Correlator}), so it is keyed per link, never by {@code rqi} alone.
 */
public interface Link {

    /** Stable id for logs and the status API, e.g. {@code ws-17} or {@code upstream:in-cse}. */
    String id();

    /** Binding name for metrics labels: {@code ws}, {@code http}, {@code mqtt}. */
    String binding();

    /**
     * Sends the request and completes with its response. Must not block. Transport failures complete normally
     * with a oneM2M error response (5103, 4008, ...), except one: a link whose connection closed before the answer
     * completes exceptionally with {@link LinkClosedException} (the bus answers 5103 for it, or stores the request
     * for the entity's next connection). Any other exceptional completion is a programming error.
     * The bus enforces {@code deadline} on top, so a link that never answers still yields exactly one 4008.
     */
    CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline);

    /**
     * True when this link completes every delivery by its deadline itself (its {@link Correlator} answers 4008 at
     * the deadline, or a sweep cancels the exchange): the bus's {@link DeadlineGuard} then schedules no timer, so an
     * exchange has one deadline mechanism. False, the default, keeps the guard for a link that might never complete.
     */
    default boolean completesByDeadline() {
        return false;
    }

    /**
     * Called when {@code entityId} was bound to this link (registration answered 2001, or a reconnecting entity
     * re-identified itself), so a connection knows which entities it carries without asking the bus.
     */
    default void entityBound(String entityId) {
    }

    /** Called when {@code entityId}, bound to this link, was taken over by another link (newest wins). */
    default void entityUnbound(String entityId) {
    }
}
