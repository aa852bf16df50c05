package org.m2mbridge.core.bus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.StoreRefusal;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Blocking requests for a registered entity that is not connected and that are not stored (a RETRIEVE, CREATE,
 * UPDATE, DELETE or DISCOVERY without a non-blocking {@code rt}): each waits up to {@code store.holdFor} for the
 * entity to be bound and then goes straight to it; otherwise it is answered 5103 TARGET_NOT_REACHABLE, or 4008 when
 * its own deadline ended the wait (TS-0004 Annex H.2.4 for a blocking request that cannot be delivered). Nothing is
 * kept after that: a late answer to such a request would reach nobody. Bounded per entity and in total by the
 * store's count bounds; over them the answer is 5103 at once.
 */
final class BindWait {
    private final DeadlineGuard guard;
    private final ScheduledExecutorService timer;
    private final BridgeMetrics metrics;
    private final Supplier<Deadlines> deadlines;
    private final Duration holdFor;
    private final int maxPerEntity;
    private final int maxTotal;
    private final Map<String, List<Waiter>> byEntity = new HashMap<>();
    private int total;

    private static final class Waiter {
        final RequestPrimitive request;
        final Instant deadline;
        final CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        /** Set under the monitor before anyone can take the waiter. */
        ScheduledFuture<?> timer;

        Waiter(RequestPrimitive request, Instant deadline) {
            this.request = request;
            this.deadline = deadline;
        }
    }

    BindWait(DeadlineGuard guard, ScheduledExecutorService timer, BridgeMetrics metrics, Supplier<Deadlines> deadlines,
             Duration holdFor, int maxPerEntity, int maxTotal) {
        this.guard = guard;
        this.timer = timer;
        this.metrics = metrics;
        this.deadlines = deadlines;
        this.holdFor = holdFor;
        this.maxPerEntity = maxPerEntity;
        this.maxTotal = maxTotal;
    }

    /** Holds {@code request} until {@code entityId} is {@link #bound bound}, {@code store.holdFor} or its deadline. */
    CompletableFuture<ResponsePrimitive> await(String entityId, RequestPrimitive request, Instant deadline) {
        long untilDeadline = Math.max(0, Duration.between(deadlines.get().now(), deadline).toMillis());
        long waitMs = Math.min(holdFor.toMillis(), untilDeadline);
        boolean deadlineEnds = untilDeadline < holdFor.toMillis();
        Waiter w = new Waiter(request, deadline);
        synchronized (this) {
            List<Waiter> queue = byEntity.get(entityId);
            if (waitMs == 0 || total >= maxTotal || queue != null && queue.size() >= maxPerEntity) {
                // over the bounds: 5103 at once, whatever the deadline
                return CompletableFuture.completedFuture(unreached(entityId, request, waitMs == 0 && deadlineEnds));
            }
            byEntity.computeIfAbsent(entityId, k -> new ArrayList<>()).add(w);
            total++;
            w.timer = timer.schedule(() -> {
                if (remove(entityId, w)) {
                    w.answer.complete(unreached(entityId, request, deadlineEnds));
                }
            }, waitMs, TimeUnit.MILLISECONDS);
        }
        return w.answer;
    }

    /** The entity was bound to {@code link}: whoever waits for it goes there now, with what is left of its time. */
    void bound(String entityId, Link link) {
        for (Waiter w : take(entityId)) {
            w.timer.cancel(false);
            guard.deliver(link, w.request, w.deadline).thenAccept(w.answer::complete);
        }
    }

    /** The entity's registration ended: whoever waits for it is answered at once. */
    void ended(String entityId, ResponseStatusCode code, String text) {
        for (Waiter w : take(entityId)) {
            w.timer.cancel(false);
            w.answer.complete(ResponsePrimitive.error(w.request, code, text, ResponseFlag.DO));
        }
    }

    private synchronized List<Waiter> take(String entityId) {
        List<Waiter> waiting = byEntity.remove(entityId);
        if (waiting == null) {
            return List.of();
        }
        total -= waiting.size();
        return waiting;
    }

    private synchronized boolean remove(String entityId, Waiter w) {
        List<Waiter> waiting = byEntity.get(entityId);
        if (waiting == null || !waiting.remove(w)) {
            return false;
        }
        total--;
        if (waiting.isEmpty()) {
            byEntity.remove(entityId);
        }
        return true;
    }

    private ResponsePrimitive unreached(String entityId, RequestPrimitive request, boolean deadlineEnded) {
        metrics.storeRefused(StoreRefusal.BLOCKING);
        return deadlineEnded
                ? ResponsePrimitive.error(request, ResponseStatusCode.REQUEST_TIMEOUT,
                        "request expired while '" + entityId + "' was not connected; blocking requests are not stored",
                        ResponseFlag.DO)
                : ResponsePrimitive.error(request, ResponseStatusCode.TARGET_NOT_REACHABLE,
                        "entity '" + entityId + "' is not connected; blocking requests are not stored "
                                + "(store.storeBlockingRequests)", ResponseFlag.DO);
    }
}
