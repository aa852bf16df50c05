package org.m2mbridge.core.bus;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.metrics.StoreDrop;
import org.m2mbridge.core.metrics.StoreRefusal;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.m2mbridge.core.primitive.ResponseType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests from upstream for a registered entity that is not connected: stored and delivered when it reconnects
 * (TS-0020 6.2 MAY buffer, R3 6.5 SHOULD store Notify; CMDH timing of TS-0004 Annex H, cmdh-buffering.md). The
 * exact policy, and why, is in docs/reliability.md:
 * <ul>
 *   <li>{@code ec} = 2 (immediate) is never stored: 5103 at once. A full store answers 5103 too.</li>
 *   <li>Stored until its {@code rqet} (else {@code store.defaultTtl}), never longer than {@code store.maxTtl};
 *       {@code ec} = 4 (latest) replaces a stored request of the same subscription or same (fr, to, op).</li>
 *   <li>The upstream is held up to {@code store.holdFor} for the real answer, then told 1000 ACCEPTED.</li>
 *   <li>Only requests whose meaning survives a delay are stored: NOTIFY, and requests with a non-blocking
 *       {@code rt} (TS-0004 6.3.4.2.4: 1, 2; and 5, no response). A blocking request of another kind waits
 *       {@code store.holdFor} for the entity ({@link BindWait}), then 5103; {@code store.storeBlockingRequests}
 *       stores those too.</li>
 *   <li>On bind the entity's queue is flushed in arrival order, one request at a time; while it has stored
 *       requests, new ones are appended behind them so order is kept. At-least-once: a request is removed only
 *       after the device answered it (or it expired). A request sent straight to a connected device whose
 *       connection closes before the answer ({@link LinkClosedException}) is stored the same way; a 5103 the
 *       device sends itself is an answer. A request whose connection closed before the answer
 *       {@code store.maxDeliveryAttempts} times (the count is stored with it) is dropped, so a device that never
 *       answers cannot block its queue forever.</li>
 *   <li>A request is stored for one registration (incarnation) of its entity and is never delivered to another:
 *       a new registration of the same entity ID drops what the previous one left, as deregistration does.</li>
 * </ul>
 * Every store access that may touch the disk runs on one "store-writer" thread with a bounded queue, never on a
 * binding's I/O thread or the shared timer; a full queue answers 5103 like a full store.
 */
final class StoreAndForward {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAndForward.class);
    private static final int EC_IMMEDIATE = 2;
    private static final int EC_LATEST = 4;
    /** Store operations waiting for the writer thread; beyond it requests are refused, not queued in memory. */
    private static final int WRITER_QUEUE = 10_000;
    private static final Duration CLOCK_SLACK = Duration.ofMillis(50);

    private final EntityDirectory directory;
    private final DeadlineGuard guard;
    private final ScheduledExecutorService timer;
    private final Supplier<Deadlines> deadlines;
    private final DeliveryStore store;
    private final StoreSettings settings;
    private final BridgeMetrics metrics;
    /** Guards the "send directly or append" decision against the flusher's "queue empty, stop" decision. */
    private final Object lock = new Object();
    private final Set<String> flushing = new HashSet<>();
    /** Offers handed to the writer but not yet in the store, per entity: they count as queued for ordering. */
    private final Map<String, Integer> offering = new HashMap<>();
    private final ThreadPoolExecutor writer;
    /** Upstream requests still held open, by stored entry id. */
    private final Map<Long, CompletableFuture<ResponsePrimitive>> held = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> sweeper;
    private final BindWait waiting;

    StoreAndForward(EntityDirectory directory, DeadlineGuard guard, DeliveryStore store, StoreSettings settings,
                    ScheduledExecutorService timer, BridgeMetrics metrics, Supplier<Deadlines> deadlines) {
        this.directory = directory;
        this.guard = guard;
        this.timer = timer;
        this.deadlines = deadlines;
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
        this.waiting = new BindWait(guard, timer, metrics, deadlines, settings.holdFor(), settings.maxPerEntity(),
                settings.maxTotal());
        this.writer = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(WRITER_QUEUE), r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("store-writer");
            t.setDaemon(true);
            return t;
        });
        writer.allowCoreThreadTimeOut(true);
        long every = settings.sweepInterval().toMillis();
        this.sweeper = timer.scheduleWithFixedDelay(() -> onWriter(this::sweep), every, every,
                TimeUnit.MILLISECONDS);
        gauges();
    }

    private boolean onWriter(Runnable task) {
        try {
            writer.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Routes a request from upstream for {@code target}: directly when connected and nothing is queued. */
    CompletableFuture<ResponsePrimitive> send(Registration target, RequestPrimitive request, Instant deadline) {
        String entityId = target.entityId();
        boolean immediate = Objects.equals(request.ec(), EC_IMMEDIATE);
        boolean storable = settings.storeBlockingRequests() || survivesDelay(request);
        synchronized (lock) {
            Link link = directory.boundLink(entityId).orElse(null);
            // A flushed request leaves the store only once answered, so an empty queue means nothing is ahead.
            boolean queued = store.count(entityId) > 0 || offering.containsKey(entityId);
            if (link != null && (immediate || !storable)) {
                // never stored, so it need not keep its place behind stored ones; a closed connection is 5103
                return guard.deliver(link, request, deadline);
            }
            if (link != null && !queued) {
                // The connection may close before the device answers: then the request is stored like one that
                // found the entity offline (it may or may not have arrived; at-least-once, cmdh-buffering.md).
                // That was its first delivery attempt.
                return guard.deliverOrClosed(link, request, deadline).handle((response, closed) -> closed == null
                        ? CompletableFuture.completedFuture(response)
                        : offer(target, request, deadline, 1)).thenCompose(f -> f);
            }
            if (link == null && immediate) {
                metrics.storeRefused(StoreRefusal.IMMEDIATE);
                return Refusal.refuse(metrics, request, ResponseStatusCode.TARGET_NOT_REACHABLE, RejectReason.NOT_CONNECTED,
                        "entity '" + entityId + "' is not connected and the request's ec is immediate (2): not stored");
            }
            if (!storable) {
                // checked and queued under the lock that bound() takes: a bind cannot slip in between
                return waiting.await(entityId, request, deadline);
            }
            return offer(target, request, deadline, 0);
        }
    }

    /**
     * Whether a request still means something when delivered later (docs/reliability.md "What is stored"): a
     * NOTIFY, or a request whose originator asked for a non-blocking answer or none (TS-0004 6.3.4.2.4 rt 1, 2, 5)
     * and so does not wait for the result. A blocking RETRIEVE answered minutes later reaches nobody.
     */
    static boolean survivesDelay(RequestPrimitive request) {
        if (request.op() == Operation.NOTIFY) {
            return true;
        }
        ResponseType rt = request.rt() == null ? null : request.rt().type().orElse(null);
        return rt == ResponseType.NON_BLOCKING_REQUEST_SYNCH || rt == ResponseType.NON_BLOCKING_REQUEST_ASYNCH
                || rt == ResponseType.NO_RESPONSE;
    }

    /** Hands the request to the writer to be stored; the result is the answer the upstream will get. */
    private CompletableFuture<ResponsePrimitive> offer(Registration target, RequestPrimitive request,
                                                       Instant deadline, int attempts) {
        String entityId = target.entityId();
        if (attempts >= settings.maxDeliveryAttempts()) { // store.maxDeliveryAttempts 1: one try only
            metrics.storeDropped(StoreDrop.ATTEMPTS, 1);
            LOG.info("request {} for {} not stored: its connection closed before the answer and "
                    + "store.maxDeliveryAttempts is {}", request.rqi(), entityId, settings.maxDeliveryAttempts());
            return CompletableFuture.completedFuture(attemptsExhausted(request, entityId, attempts));
        }
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        synchronized (lock) {
            offering.merge(entityId, 1, Integer::sum);
            // handed over inside the lock: the writer's FIFO keeps the arrival order of concurrent senders
            Instant expiresAt = expiryOf(request);
            if (!onWriter(() -> store(target, request, expiresAt, deadline, attempts, answer))) {
                offered(entityId);
                metrics.storeRefused(StoreRefusal.BUSY);
                return Refusal.refuse(metrics, request, ResponseStatusCode.TARGET_NOT_REACHABLE, RejectReason.STORE_FULL,
                        "entity '" + entityId + "' is not connected and the bridge's store is busy: not stored");
            }
        }
        return answer;
    }

    /** On the writer: stores the request (committed before anyone hears "stored"), then holds or refuses. */
    private void store(Registration target, RequestPrimitive request, Instant expiresAt, Instant deadline,
                       int attempts, CompletableFuture<ResponsePrimitive> answer) {
        String entityId = target.entityId();
        DeliveryStore.Offered offered;
        try {
            if (Objects.equals(request.ec(), EC_LATEST)) {
                replaceOlder(entityId, request);
            }
            offered = store.offer(entityId, target.incarnation(), request, expiresAt, attempts);
        } catch (RuntimeException e) {
            LOG.error("could not store request {} for {}", request.rqi(), entityId, e);
            answer.complete(ResponsePrimitive.error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR,
                    "the bridge could not store the request for '" + entityId + "'", ResponseFlag.IE));
            return;
        } finally {
            offered(entityId);
        }
        if (!offered.accepted()) {
            boolean global = offered.outcome() == DeliveryStore.Outcome.FULL_GLOBAL;
            metrics.storeRefused(global ? StoreRefusal.FULL_GLOBAL : StoreRefusal.FULL_ENTITY);
            answer.complete(Refusal.refuse(metrics, request, ResponseStatusCode.TARGET_NOT_REACHABLE, RejectReason.STORE_FULL, global
                    ? "entity '" + entityId + "' is not connected and the bridge's store is full: not stored"
                    : "entity '" + entityId + "' is not connected and the bridge's store for it is full: not stored")
                    .join());
            return;
        }
        StoredRequest stored = offered.stored().orElseThrow();
        metrics.storeStored.inc();
        gauges();
        hold(answer, entityId, stored, deadline);
        if (directory.boundLink(entityId).isPresent()) {
            pump(entityId); // connected with a queue, or reconnected meanwhile
        }
    }

    private void offered(String entityId) {
        synchronized (lock) {
            offering.computeIfPresent(entityId, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * Holds the upstream's request for the real answer, at most {@code store.holdFor} and never past its deadline;
     * then 1000 ACCEPTED. Why not 5103 or a long wait: a CSE must not time out (or, like ACME and Mobius on a
     * 5103, drop the subscription) because a NATed device is briefly away; a 1xxx counts as delivered there.
     */
    private void hold(CompletableFuture<ResponsePrimitive> answer, String entityId, StoredRequest stored,
                      Instant deadline) {
        held.put(stored.id(), answer);
        Instant now = deadlines.get().now();
        long untilExpiry = Math.max(0, Duration.between(now, stored.expiresAt()).toMillis());
        long holdMs = Math.min(settings.holdFor().toMillis(), Math.max(0, Duration.between(now, deadline).toMillis()));
        // The request's own expiry ends the hold first: it expires now (4008 to the upstream, as for any expired
        // request) and is taken out of the store so the device never gets what the upstream gave up on. Expiry and
        // deadline come from the same rqet read a moment apart, hence the slack.
        boolean expiresFirst = untilExpiry <= settings.holdFor().toMillis()
                && !stored.expiresAt().isAfter(deadline.plus(CLOCK_SLACK));
        if (expiresFirst) {
            timer.schedule(() -> {
                if (!onWriter(() -> {
                    if (store.remove(stored.id())) {
                        expired(stored);
                    }
                })) {
                    answerHeld(stored.id(), expiredAnswer(stored));
                }
            }, untilExpiry, TimeUnit.MILLISECONDS);
            return;
        }
        Runnable accepted = () -> {
            if (held.remove(stored.id(), answer)) { // else already answered: device, replacement or drop
                answer.complete(ResponsePrimitive.error(stored.request(), ResponseStatusCode.ACCEPTED,
                        "stored for delivery when " + entityId + " reconnects", ResponseFlag.DO));
            }
        };
        if (holdMs == 0) {
            accepted.run(); // holdFor 0: answered before any flush can, deterministically
        } else {
            timer.schedule(accepted, holdMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Expiry of a stored request: its rqet (TS-0004 6.4.1), else the default lifetime; capped at maxTtl. */
    private Instant expiryOf(RequestPrimitive request) {
        Instant now = deadlines.get().now();
        Instant wanted = Deadlines.parseAbsRel(request.rqet(), now).orElse(now.plus(settings.defaultTtl()));
        Instant cap = now.plus(settings.maxTtl());
        return wanted.isAfter(cap) ? cap : wanted;
    }

    /**
     * ec = latest (TS-0004 Annex H): only the newest is kept. Notifications are matched by subscription
     * ({@code m2m:sgn.sur}), other requests by (fr, to, op), as cmdh-buffering.md 2 describes.
     */
    private void replaceOlder(String entityId, RequestPrimitive newer) {
        String sur = subscriptionOf(newer);
        for (StoredRequest s : store.pending(entityId)) {
            RequestPrimitive older = s.request();
            boolean same = sur != null ? sur.equals(subscriptionOf(older))
                    : Objects.equals(older.fr(), newer.fr()) && Objects.equals(older.to(), newer.to())
                    && older.op() == newer.op();
            if (same && store.remove(s.id())) {
                metrics.storeDropped(StoreDrop.REPLACED, 1);
                answerHeld(s.id(), ResponsePrimitive.error(older, ResponseStatusCode.ACCEPTED,
                        "replaced by a newer request for " + entityId + " (ec latest)", ResponseFlag.DO));
            }
        }
    }

    private static String subscriptionOf(RequestPrimitive request) {
        JsonNode sur = request.pc() == null ? null : request.pc().path("m2m:sgn").get("sur");
        return sur == null || !sur.isTextual() ? null : sur.asText();
    }

    // ---- flushing ------------------------------------------------------------------------------------------

    /** The entity was bound (registration or reconnect): deliver what waits for it. */
    void bound(String entityId, Link link) {
        synchronized (lock) { // pairs with send(): a request that saw no link is already waiting
            waiting.bound(entityId, link);
        }
        if (store.count(entityId) > 0) {
            pump(entityId);
        }
    }

    private void pump(String entityId) {
        synchronized (lock) {
            if (!flushing.add(entityId)) {
                return; // one flusher per entity keeps the order
            }
        }
        next(entityId);
    }

    /** Queues the next flush step on the writer; if it is saturated the sweep restarts the flush later. */
    private void next(String entityId) {
        if (!onWriter(() -> step(entityId))) {
            stopFlush(entityId);
        }
    }

    private void stopFlush(String entityId) {
        synchronized (lock) {
            flushing.remove(entityId);
        }
    }

    /** On the writer: sends the oldest stored request; continues from its answer as a fresh task (no deep stacks). */
    private void step(String entityId) {
        Link link;
        StoredRequest head;
        try {
            synchronized (lock) {
                link = directory.boundLink(entityId).orElse(null);
                head = link == null ? null : store.peek(entityId).orElse(null);
                if (head == null) {
                    flushing.remove(entityId);
                    return;
                }
            }
        } catch (RuntimeException e) { // a closed store at shutdown
            LOG.warn("cannot flush stored requests of {}: {}", entityId, e.toString());
            stopFlush(entityId);
            return;
        }
        if (head.isExpired(deadlines.get().now())) { // never deliver an expired one
            if (store.remove(head.id())) {
                expired(head);
            }
            next(entityId);
            return;
        }
        StoreDrop stale = staleness(entityId, head);
        if (stale != null) { // left over when the drop at (de)registration could not run, or a lowered setting
            if (store.remove(head.id())) {
                dropped(head, stale);
            }
            next(entityId);
            return;
        }
        // Each attempt waits as long as a direct delivery would (rqet, else timeouts.request, capped at
        // timeouts.maxRequest), never past the stored expiry: a device that never answers (TS-0020 T9: some AEs
        // take no requests) must not stall its queue for the whole store lifetime.
        Instant attemptDeadline = deadlines.get().deadlineOf(head.request());
        Instant deadline = attemptDeadline.isBefore(head.expiresAt()) ? attemptDeadline : head.expiresAt();
        guard.deliverOrClosed(link, head.request(), deadline).whenComplete((response, closed) -> {
            boolean queued = onWriter(() -> {
                try {
                    if (closed != null) {
                        connectionLost(entityId, link, head);
                    } else {
                        answered(entityId, head, deadline, response);
                    }
                } catch (RuntimeException e) { // a closed store at shutdown; the entry stays stored
                    LOG.warn("flush of {} stopped: {}", entityId, e.toString());
                    stopFlush(entityId);
                }
            });
            if (!queued) { // stays stored: delivered again later (at-least-once)
                stopFlush(entityId);
            }
        });
    }

    /**
     * Why {@code head} must not be delivered to the entity as registered now, or null: stored for another
     * incarnation, for a registration that is gone, or already tried {@code store.maxDeliveryAttempts} times.
     */
    private StoreDrop staleness(String entityId, StoredRequest head) {
        Optional<Registration> current = directory.registration(entityId);
        if (current.isEmpty()) {
            return StoreDrop.DEREGISTERED;
        }
        if (current.get().incarnation() != head.incarnation()) {
            return StoreDrop.INCARNATION;
        }
        return head.attempts() >= settings.maxDeliveryAttempts() ? StoreDrop.ATTEMPTS : null;
    }

    /**
     * The connection went away before the device answered: one more attempt counted (durably), and the request
     * stays stored for the next connection unless that was its last attempt.
     */
    private void connectionLost(String entityId, Link link, StoredRequest head) {
        Optional<StoredRequest> counted = store.attempted(head.id());
        if (counted.isPresent() && counted.get().attempts() >= settings.maxDeliveryAttempts()
                && store.remove(head.id())) {
            dropped(counted.get(), StoreDrop.ATTEMPTS);
        } else {
            counted.ifPresent(c -> LOG.debug("{} closed before answering stored request {} (attempt {} of {})",
                    entityId, c.request().rqi(), c.attempts(), settings.maxDeliveryAttempts()));
        }
        stopFlush(entityId);
        if (directory.boundLink(entityId).filter(l -> l != link).isPresent()) {
            pump(entityId); // already taken over by a new connection
        }
    }

    /** The device answered (a 5103 it sends itself included) or the attempt timed out. */
    private void answered(String entityId, StoredRequest head, Instant deadline, ResponsePrimitive response) {
        Instant now = deadlines.get().now();
        // The bridge's own 4008 (timers round to whole milliseconds, hence the slack), not the device's answer.
        boolean noAnswer = response.rsc() == ResponseStatusCode.REQUEST_TIMEOUT.code()
                && !now.isBefore(deadline.minusMillis(5));
        boolean removed = store.remove(head.id());
        gauges(); // metrics before answers throughout, so whoever sees an answer also sees them
        if (!removed) {
            // dropped meanwhile (deregistration, a new incarnation, replaced): counted and answered there
            LOG.debug("stored request {} of {} ended with {} after it was dropped", head.request().rqi(), entityId,
                    response.rsc());
        } else if (noAnswer && head.isExpired(now)) {
            expired(head);
        } else if (noAnswer) {
            // Delivered but never answered: it had its chance (at-least-once); resending would stall the queue.
            LOG.info("{} did not answer stored request {} in time; dropped", entityId, head.request().rqi());
            metrics.storeDropped(StoreDrop.UNANSWERED, 1);
            answerHeld(head.id(), response);
        } else {
            metrics.storeDelivered.inc();
            if (!answerHeld(head.id(), response)) {
                LOG.debug("{} answered stored request {} with {} after the upstream was told 1000", entityId,
                        head.request().rqi(), response.rsc());
            }
        }
        next(entityId);
    }

    // ---- housekeeping --------------------------------------------------------------------------------------

    /** The registration ended ({@link RegistrationEnd}): what was stored for the entity can never be delivered. */
    void deregistered(String entityId, RegistrationEnd why) {
        waiting.ended(entityId, ResponseStatusCode.NOT_FOUND, why.describe(entityId));
        if (!onWriter(() -> drop(entityId, s -> true, why.storeDropLabel()))) {
            LOG.warn("store busy: requests stored for {} stay until the next flush attempt or their expiry", entityId);
        }
    }

    /**
     * The operator purges the entity's queue ({@code DELETE /api/registrations/{id}/queue}): everything stored for it
     * is dropped on the writer, held upstream requests are answered as for a deregistration. Completes with how many
     * were dropped; fails when the writer's queue is full.
     */
    CompletableFuture<Integer> purge(String entityId) {
        CompletableFuture<Integer> purged = new CompletableFuture<>();
        if (!onWriter(() -> purged.complete(drop(entityId, s -> true, StoreDrop.OPERATOR)))) {
            purged.completeExceptionally(new IllegalStateException("the store is busy; try again"));
        }
        return purged;
    }

    /** A new registration of the entity (CREATE answered 2001): what earlier ones left is never delivered. */
    void newIncarnation(String entityId, long incarnation) {
        // Queued before the bind that starts the flush: the writer's FIFO drops them before anything is sent.
        if (!onWriter(() -> drop(entityId, s -> s.incarnation() != incarnation, StoreDrop.INCARNATION))) {
            LOG.warn("store busy: requests stored for an earlier registration of {} are dropped at its next flush",
                    entityId);
        }
    }

    private int drop(String entityId, Predicate<StoredRequest> which, StoreDrop reason) {
        List<StoredRequest> dropped = store.removeIf(entityId, which);
        if (dropped.isEmpty()) {
            return 0;
        }
        LOG.info("dropped {} stored requests of {} ({})", dropped.size(), entityId, reason.label());
        gauges(); // metrics first, so whoever sees an answer also sees them
        metrics.storeDropped(reason, dropped.size());
        for (StoredRequest s : dropped) {
            answerHeld(s.id(), droppedAnswer(s, reason));
        }
        return dropped.size();
    }

    /** One stored request dropped for {@code reason} (a store.* drop label): counted, logged, its holder answered. */
    private void dropped(StoredRequest s, StoreDrop reason) {
        metrics.storeDropped(reason, 1);
        gauges();
        LOG.info("dropped stored request {} for {} ({}{})", s.request().rqi(), s.entityId(), reason.label(),
                reason == StoreDrop.ATTEMPTS ? ": connection closed before the answer " + s.attempts() + " times" : "");
        answerHeld(s.id(), droppedAnswer(s, reason));
    }

    /**
     * What a still-held upstream request is told when its stored request is dropped: 5103 when the device's
     * connections kept closing before an answer (as for a direct delivery whose connection closes), 4004 when the
     * registration it was for is gone.
     */
    private ResponsePrimitive droppedAnswer(StoredRequest s, StoreDrop reason) {
        return droppedText(s, reason).withFlag(ResponseFlag.DO);
    }

    private ResponsePrimitive droppedText(StoredRequest s, StoreDrop reason) {
        return switch (reason) {
            case ATTEMPTS -> attemptsExhausted(s.request(), s.entityId(), s.attempts());
            case INCARNATION -> ResponsePrimitive.error(s.request(), ResponseStatusCode.NOT_FOUND,
                    "entity '" + s.entityId() + "' registered again; requests for its earlier registration dropped");
            case OPERATOR -> ResponsePrimitive.error(s.request(), ResponseStatusCode.TARGET_NOT_REACHABLE,
                    "the requests stored for '" + s.entityId() + "' were purged by the operator");
            case REGISTRATION_EXPIRED -> ResponsePrimitive.error(s.request(), ResponseStatusCode.NOT_FOUND,
                    RegistrationEnd.EXPIRED.describe(s.entityId()) + " before the request could be delivered");
            default -> ResponsePrimitive.error(s.request(), ResponseStatusCode.NOT_FOUND,
                    "entity '" + s.entityId() + "' was deregistered before the request could be delivered");
        };
    }

    private ResponsePrimitive attemptsExhausted(RequestPrimitive request, String entityId, int attempts) {
        return ResponsePrimitive.error(request, ResponseStatusCode.TARGET_NOT_REACHABLE, "the connection of '"
                + entityId + "' closed before it answered, " + attempts + " times (store.maxDeliveryAttempts): dropped",
                ResponseFlag.DO);
    }

    /** Periodic, on the writer: purge expired entries; restart a flush that stopped for a connected entity. */
    private void sweep() {
        try {
            for (StoredRequest s : store.purgeExpired(deadlines.get().now())) {
                expired(s);
            }
            for (String entityId : store.entities()) {
                if (directory.boundLink(entityId).isPresent()) {
                    pump(entityId);
                }
            }
            gauges();
        } catch (RuntimeException e) {
            LOG.warn("store sweep failed: {}", e.toString());
        }
    }

    /** Stops the sweep and lets queued store operations finish (bounded), so the store can be closed after. */
    void close() {
        sweeper.cancel(false);
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("store writer still busy after 5 s; closing anyway");
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
    }

    private void expired(StoredRequest s) {
        metrics.storeExpired.inc();
        gauges();
        LOG.info("stored request {} for {} expired undelivered", s.request().rqi(), s.entityId());
        answerHeld(s.id(), expiredAnswer(s));
    }

    private static ResponsePrimitive expiredAnswer(StoredRequest s) {
        return ResponsePrimitive.error(s.request(), ResponseStatusCode.REQUEST_TIMEOUT,
                "request expired before " + s.entityId() + " reconnected", ResponseFlag.DO);
    }

    private boolean answerHeld(long id, ResponsePrimitive response) {
        CompletableFuture<ResponsePrimitive> waiter = held.remove(id);
        return waiter != null && waiter.complete(response);
    }

    private void gauges() {
        metrics.storedPrimitives.set(store.count());
        metrics.storedBytes.set(store.bytes());
    }
}
