package org.m2mbridge.core.bus;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Hands a routed request to its next hop: to an upstream, or to a registered entity on the link it is bound to,
 * always under the {@link DeadlineGuard}. For an entity that is not connected it decides between
 * store-and-forward ({@link StoreAndForward}, docs/reliability.md) and 5103 TARGET_NOT_REACHABLE when
 * {@code store.enabled} is false. Also where the registration bookkeeping tells the store what happened.
 */
final class Delivery {
    private final EntityDirectory directory;
    private final DeadlineGuard guard;
    private final BridgeMetrics metrics;
    private final StoreAndForward storeAndForward;

    /** @param storeAndForward null when {@code store.enabled} is false: an unbound entity's requests get 5103 */
    Delivery(EntityDirectory directory, DeadlineGuard guard, BridgeMetrics metrics, StoreAndForward storeAndForward) {
        this.directory = directory;
        this.guard = guard;
        this.metrics = metrics;
        this.storeAndForward = storeAndForward;
    }

    /** To an upstream CSE; exactly one response by the deadline. */
    CompletableFuture<ResponsePrimitive> toUpstream(Upstream upstream, RequestPrimitive request, Instant deadline) {
        return guard.deliver(upstream, request, deadline);
    }

    /** To the registered entity {@code target}: on its link, or stored, waited for or refused when it has none. */
    CompletableFuture<ResponsePrimitive> toEntity(Registration target, RequestPrimitive request, Instant deadline) {
        if (storeAndForward != null) {
            return storeAndForward.send(target, request, deadline);
        }
        Link link = directory.boundLink(target.entityId()).orElse(null);
        if (link == null) {
            return Refusal.refuse(metrics, request, ResponseStatusCode.TARGET_NOT_REACHABLE,
                    RejectReason.NOT_CONNECTED, "entity '" + target.entityId() + "' is registered but not connected");
        }
        return guard.deliver(link, request, deadline);
    }

    /** The entity was bound to {@code link}: what was kept for it goes there now. */
    void bound(String entityId, Link link) {
        if (storeAndForward != null) {
            storeAndForward.bound(entityId, link);
        }
    }

    /** The entity registered again: what earlier registrations left is never delivered. */
    void newIncarnation(String entityId, long incarnation) {
        if (storeAndForward != null) {
            storeAndForward.newIncarnation(entityId, incarnation);
        }
    }

    /** The entity's registration ended: what was kept for it is dropped and its waiters answered. */
    void deregistered(String entityId, RegistrationEnd why) {
        if (storeAndForward != null) {
            storeAndForward.deregistered(entityId, why);
        }
    }

    /** Drops every request stored for {@code entityId}; completes with how many (0 without a store). */
    CompletableFuture<Integer> purge(String entityId) {
        return storeAndForward == null ? CompletableFuture.completedFuture(0) : storeAndForward.purge(entityId);
    }

    /** Stops the store's sweep and lets its pending writes finish. */
    void close() {
        if (storeAndForward != null) {
            storeAndForward.close();
        }
    }
}
