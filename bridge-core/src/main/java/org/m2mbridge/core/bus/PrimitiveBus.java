package org.m2mbridge.core.bus;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primitive bus: the single place where a request from any binding is routed to its next hop and its
 * response comes back. Transport-agnostic; bindings plug in as {@link Link}s and {@link Upstream}s.
 *
 * <ul>
 *   <li>From DOWNSTREAM (devices): routed to an upstream by the {@link RouteTable}. Registrations (CREATE
 *       {@code <AE>}/{@code <remoteCSE>}) get their {@code poa} rewritten to the bridge and, once answered 2001,
 *       enter the {@link EntityRegistry} and are bound to the originating link (TS-0020 7.4). A 2002 (or 4004) answer
 *       to the DELETE of that resource deregisters (closing a connection never does).</li>
 *   <li>From UPSTREAM (CSEs): routed to the registered entity the {@code to} names, on the link it is bound to
 *       (notifications down the device's own socket); 4004 when no such entity is registered. When it is
 *       registered but not connected the request is stored and delivered on reconnect ({@link StoreAndForward},
 *       docs/reliability.md), or answered 5103 when store-and-forward is disabled or the request is immediate.</li>
 * </ul>
 * Every request gets a deadline ({@link Deadlines}); an expired {@code rqet} is refused with 4008 before
 * forwarding (TS-0004 7.3.2.6), and a next hop that does not answer in time yields exactly one 4008.
 */
public final class PrimitiveBus {
    private static final Logger LOG = LoggerFactory.getLogger(PrimitiveBus.class);
    /** The link's own timer produces the 4008; this guard only catches a link that never completes. */
    private static final Duration GUARD_GRACE = Duration.ofMillis(250);
    private static final SecureRandom TOKENS = new SecureRandom();

    private final Map<String, Upstream> upstreams = new LinkedHashMap<>();
    private final List<ResponseFilter> responseFilters = new CopyOnWriteArrayList<>();
    private final EntityRegistry registry;
    private final EntityDirectory directory;
    /** Replaced as a whole by a reload ({@link #reconfigure}); read once per request. */
    private volatile RouteTable routes;
    private volatile Deadlines deadlines;
    private final ScheduledExecutorService timer;
    private final BridgeMetrics metrics;
    /** Null when store-and-forward is disabled: offline entities get 5103. */
    private final StoreAndForward storeAndForward;
    private final ScheduledFuture<?> expirySweep;
    private final RegistrationAdmission admission;
    private final PrimitiveTraffic traffic;

    /**
     * @param store    where requests for offline entities wait (see {@code store.BridgeStorage}); the bus does
     *                 not close it
     * @param settings {@code store.*}; {@code enabled: false} answers 5103 for offline entities and never stores
     */
    public PrimitiveBus(EntityRegistry registry, RouteTable routes, Deadlines deadlines,
                        ScheduledExecutorService timer, BridgeMetrics metrics, DeliveryStore store,
                        StoreSettings settings) {
        this.registry = registry;
        this.directory = new LocalEntityDirectory(registry);
        this.routes = routes;
        this.deadlines = deadlines;
        this.timer = timer;
        this.metrics = metrics;
        this.traffic = new PrimitiveTraffic(metrics);
        metrics.registeredEntities.set(registry.size());
        this.storeAndForward = settings.enabled() ? new StoreAndForward(this, store, settings) : null;
        metrics.storeCapacityPrimitives.set(settings.enabled() ? settings.maxTotal() : 0);
        metrics.storeCapacityBytes.set(settings.enabled() ? settings.maxTotalBytes() : 0);
        responseFilters.add(new OwnPoaRestore(registry));
        long every = settings.sweepInterval().toMillis();
        this.expirySweep = timer.scheduleWithFixedDelay(this::expireRegistrations, every, every,
                TimeUnit.MILLISECONDS);
        this.admission = new RegistrationAdmission(this::findEntity, metrics, new GateRefusalLog());
    }

    /** Stops the bus's own timers (the store and registration sweeps). Call before closing the store. */
    public void close() {
        expirySweep.cancel(false);
        if (storeAndForward != null) {
            storeAndForward.close();
        }
    }

    // ---- wiring --------------------------------------------------------------------------------------------

    public synchronized void addUpstream(Upstream upstream) {
        if (upstreams.putIfAbsent(upstream.name(), upstream) != null) {
            throw new IllegalStateException("upstream '" + upstream.name() + "' added twice");
        }
    }

    /**
     * Reload: puts {@code upstream} on the bus, replacing the one of the same name (returned, if any); requests
     * routed from now on go to the new one, those already handed to the old one finish there.
     */
    public synchronized Optional<Upstream> putUpstream(Upstream upstream) {
        return Optional.ofNullable(upstreams.put(upstream.name(), upstream));
    }

    /** Reload: takes the upstream {@code name} off the bus; new requests for it get the no-route answer (4004). */
    public synchronized Optional<Upstream> removeUpstream(String name) {
        return Optional.ofNullable(upstreams.remove(name));
    }

    /** Reload: the routes and request deadlines that apply to requests routed from now on. */
    public void reconfigure(RouteTable routes, Deadlines deadlines) {
        this.routes = routes;
        this.deadlines = deadlines;
    }

    public synchronized List<Upstream> upstreams() {
        return List.copyOf(upstreams.values());
    }

    public synchronized Optional<Upstream> upstream(String name) {
        return Optional.ofNullable(upstreams.get(name));
    }

    public void addResponseFilter(ResponseFilter filter) {
        responseFilters.add(filter);
    }

    /** Who is registered and bound where; for wiring ({@code BridgeContext}), not for looking services up. */
    public EntityDirectory directory() {
        return directory;
    }

    public EntityRegistry registry() {
        return registry;
    }

    public Deadlines deadlines() {
        return deadlines;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    public BridgeMetrics metrics() {
        return metrics;
    }

    /** The registration gate's rule that every device-facing binding applies (one per bus: one refusal log). */
    public RegistrationAdmission admission() {
        return admission;
    }

    // ---- entity binding ------------------------------------------------------------------------------------

    /**
     * Binds a registered entity to {@code link}; requests from upstream for it go there from now on. A previous
     * link loses it (newest wins) and is told through {@link Link#entityUnbound(String)}; the new one through
     * {@link Link#entityBound(String)}.
     */
    public void bind(String entityId, Link link) {
        rebound(entityId, link, directory.bind(entityId, link, EntityDirectory.Reidentify.TAKE_OVER));
        if (storeAndForward != null) {
            storeAndForward.bound(entityId, link);
        }
    }

    /**
     * A request from the registered entity {@code entityId} arrived over {@code link} (a reconnect, a bridge restart,
     * another binding used before): the one re-identification every binding uses (TS-0020 7.4). Binds it there as
     * {@code mode} says, which delivers what store-and-forward kept for it; nothing when it is bound there already.
     * True when the entity is bound to {@code link} afterwards.
     */
    public boolean reidentify(String entityId, Link link, EntityDirectory.Reidentify mode) {
        EntityDirectory.Rebound r = directory.bind(entityId, link, mode);
        if (r.changed()) {
            rebound(entityId, link, r);
            if (storeAndForward != null) {
                storeAndForward.bound(entityId, link);
            }
            return true;
        }
        return directory.boundLink(entityId).orElse(null) == link;
    }

    private void rebound(String entityId, Link link, EntityDirectory.Rebound r) {
        if (!r.changed()) {
            return;
        }
        metrics.boundEntities.set(directory.boundCount());
        link.entityBound(entityId);
        if (r.previous() != null) {
            LOG.info("entity {} moved from {} to {}", entityId, r.previous().id(), link.id());
            r.previous().entityUnbound(entityId);
        }
    }

    /** Unbinds {@code entityId} if it is bound to {@code link} (a closing connection). Never deregisters. */
    public void unbind(String entityId, Link link) {
        if (directory.unbind(entityId, link)) {
            metrics.boundEntities.set(directory.boundCount());
        }
    }

    public Optional<Link> boundLink(String entityId) {
        return directory.boundLink(entityId);
    }

    /** Registered entities, with the link each is bound to now (if any): for the status API. */
    public Collection<Registration> registrations() {
        return directory.registrations();
    }

    // ---- routing -------------------------------------------------------------------------------------------

    /**
     * Routes {@code request} and completes with exactly one response; never completes exceptionally.
     */
    public CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, Origin origin) {
        return send(request, origin, null);
    }

    /**
     * A request from upstream that arrived at the point of access of the registered entity {@code nextHop} (its
     * notification URL, its MQTT receiver topic) goes to that entity whatever its {@code to} names: the point of
     * access names the next hop and {@code to} the target (TS-0009 6.2.2.1, TS-0010 6.4.2), which may be a resource
     * below an MN-CSE ({@code /id-mn/cse-mn/ae1}) or beyond it. Same guarantees as {@link #send}; 4004 when
     * {@code nextHop} is no longer registered.
     */
    public CompletableFuture<ResponsePrimitive> sendVia(String nextHop, RequestPrimitive request, Origin origin) {
        if (origin.side() != Origin.Side.UPSTREAM) {
            throw new IllegalArgumentException("only requests from upstream go to an entity's point of access");
        }
        return send(request, origin, nextHop);
    }

    private CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, Origin origin, String nextHop) {
        // counted and logged once per exchange, whichever binding it came from
        Hop hop = new Hop();
        return traffic.received(request, origin, () -> hop.via, () -> route(request, origin, nextHop, hop));
    }

    /**
     * A request {@code origin}'s binding answered itself, before the bus (a primitive that did not decode, a limit,
     * the registration gate): counted and logged as the bus's own exchanges are. {@code request} is null when the
     * message did not decode.
     */
    public void answeredLocally(RequestPrimitive request, Origin origin, ResponsePrimitive response) {
        traffic.answeredLocally(request, origin, response);
    }

    /** Where the exchange went (an upstream's name, a device connection's id), for the access line. */
    private static final class Hop {
        String via; // written before the request is handed on; read after it completes
    }

    private CompletableFuture<ResponsePrimitive> route(RequestPrimitive request, Origin origin, String nextHop,
                                                       Hop hop) {
        Instant deadline = deadlines.deadlineOf(request);
        if (!deadline.isAfter(deadlines.now())) {
            return reject(request, ResponseStatusCode.REQUEST_TIMEOUT, RejectReason.EXPIRED,
                    "request expiration time (rqet) has already passed");
        }
        metrics.pendingRequests.inc();
        CompletableFuture<ResponsePrimitive> result = origin.side() == Origin.Side.DOWNSTREAM
                ? sendUp(request, origin, deadline, hop)
                : sendDown(request, deadline, nextHop, hop);
        return result.whenComplete((r, e) -> metrics.pendingRequests.dec());
    }

    private CompletableFuture<ResponsePrimitive> sendUp(RequestPrimitive request, Origin origin, Instant deadline,
                                                        Hop hop) {
        Optional<Upstream> target = routes.resolve(request.to(), upstreams()).flatMap(this::upstream);
        if (target.isEmpty()) {
            return reject(request, ResponseStatusCode.NOT_FOUND, RejectReason.NO_ROUTE,
                    "no upstream route for target '" + request.to() + "'");
        }
        Upstream upstream = target.get();
        hop.via = upstream.name();
        RegistrationExchange registration = RegistrationExchange.of(request, origin, upstream, registry);
        RequestPrimitive wire = registration == null ? request : registration.rewrittenRequest();
        return deliver(upstream, wire, deadline).thenApply(response -> {
            ResponsePrimitive r = registration == null ? response : registration.complete(response, this);
            for (ResponseFilter f : responseFilters) {
                r = f.apply(request, origin, r);
            }
            return r;
        });
    }

    private CompletableFuture<ResponsePrimitive> sendDown(RequestPrimitive request, Instant deadline,
                                                          String nextHop, Hop hop) {
        Optional<Registration> target = nextHop != null ? registry.byEntityId(nextHop) : findEntity(request.to());
        if (target.isEmpty()) {
            return reject(request, ResponseStatusCode.NOT_FOUND, RejectReason.UNKNOWN_TARGET, "'"
                    + (nextHop != null ? nextHop : request.to()) + "' is not an entity registered through this bridge");
        }
        Link link = directory.boundLink(target.get().entityId()).orElse(null);
        hop.via = link == null ? null : link.id();
        if (storeAndForward != null) {
            return storeAndForward.send(target.get(), request, deadline);
        }
        if (link == null) {
            return reject(request, ResponseStatusCode.TARGET_NOT_REACHABLE, RejectReason.NOT_CONNECTED,
                    "entity '" + target.get().entityId() + "' is registered but not connected");
        }
        return deliver(link, request, deadline);
    }

    /**
     * The registered entity a {@code to} addresses: the entity ID itself, or an SP-relative/absolute form whose
     * CSE-ID is a registered CSE or whose first path segment after the CSE-ID is a registered AE-ID
     * (primitives.md 7: {@code /cse2/C3532ea3}, {@code //example.net/cse2/C3532ea3}). A registration whose
     * expiration time has passed is not found (and is ended now rather than at the next sweep).
     */
    public Optional<Registration> findEntity(String to) {
        Optional<Registration> found = findRegistered(to);
        if (found.isPresent() && found.get().isExpired(deadlines.now())) {
            Registration expired = found.get();
            try {
                timer.execute(() -> deregistered(expired, RegistrationEnd.EXPIRED)); // registry writes off the caller
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("shutting down: the expired registration of {} ends at the next start", expired.entityId());
            }
            return Optional.empty();
        }
        return found;
    }

    private Optional<Registration> findRegistered(String to) {
        if (to == null || to.isEmpty()) {
            return Optional.empty();
        }
        Optional<Registration> exact = registry.byEntityId(to);
        if (exact.isPresent()) {
            return exact;
        }
        String spRelative = to;
        if (to.startsWith("//")) {
            int slash = to.indexOf('/', 2);
            if (slash < 0) {
                return Optional.empty();
            }
            spRelative = to.substring(slash);
        }
        for (String candidate : candidates(spRelative)) {
            Optional<Registration> r = registry.byEntityId(candidate);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    private static List<String> candidates(String to) {
        List<String> out = new ArrayList<>(4);
        String[] seg = to.split("/", -1);
        if (to.startsWith("/") && seg.length >= 2) {
            out.add(to);
            out.add("/" + seg[1]); // registered CSE: /id-mn/...
            if (seg.length >= 3) {
                out.add(seg[2]); // AE-ID relative to its registrar: /id-in/Cae1
                out.add("/" + seg[1] + "/" + seg[2]);
            }
        } else if (seg.length >= 1) {
            out.add(seg[0]);
        }
        return out;
    }

    /** Delivers on {@code link} with the bus's deadline guard; never completes exceptionally (a closed link: 5103). */
    CompletableFuture<ResponsePrimitive> deliver(Link link, RequestPrimitive request, Instant deadline) {
        return deliverOrClosed(link, request, deadline).exceptionally(closed -> ResponsePrimitive.error(request,
                ResponseStatusCode.TARGET_NOT_REACHABLE, "connection " + link.id() + " closed before the answer",
                ResponseFlag.UC));
    }

    /**
     * As {@link #deliver}, but a link that closed before the answer completes the result exceptionally with
     * {@link LinkClosedException}, so store-and-forward can keep the request; nothing else completes exceptionally.
     */
    CompletableFuture<ResponsePrimitive> deliverOrClosed(Link link, RequestPrimitive request, Instant deadline) {
        CompletableFuture<ResponsePrimitive> result = new CompletableFuture<>();
        ScheduledFuture<?> guard = link.completesByDeadline() ? null : guard(link, request, deadline, result);
        CompletableFuture<ResponsePrimitive> delivered = traffic.sent(link, request, () -> {
            try {
                return link.deliver(request, deadline);
            } catch (RuntimeException e) {
                LOG.error("link {} failed to take request {}", link.id(), request.rqi(), e);
                return CompletableFuture.completedFuture(ResponsePrimitive.error(request,
                        ResponseStatusCode.INTERNAL_SERVER_ERROR, "bridge failed to forward the request", ResponseFlag.IE));
            }
        });
        delivered.whenComplete((response, error) -> {
            if (guard != null) {
                guard.cancel(false);
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof LinkClosedException closed) {
                result.completeExceptionally(closed);
            } else if (error != null) {
                LOG.error("link {} failed request {}", link.id(), request.rqi(), error);
                result.complete(ResponsePrimitive.error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR,
                        "bridge failed to forward the request", ResponseFlag.IE));
            } else if (!result.complete(response)) {
                metrics.lateResponses.labelValues(link.binding()).inc();
            }
        });
        return result;
    }

    /** The deadline guard for a link that does not complete by the deadline itself: one 4008 after a grace. */
    private ScheduledFuture<?> guard(Link link, RequestPrimitive request, Instant deadline,
                                     CompletableFuture<ResponsePrimitive> result) {
        long delayMs = Math.max(0, Duration.between(deadlines.now(), deadline).plus(GUARD_GRACE).toMillis());
        return timer.schedule(() -> {
            if (!result.isDone()) { // counted first so whoever observes the 4008 also sees it counted
                metrics.requestTimeouts.labelValues(link.binding()).inc();
                String text = "no response from " + link.id() + " before the request deadline";
                LocalAnswers.answered(ResponseStatusCode.REQUEST_TIMEOUT.code(), request.rqi(), request.fr(), text);
                result.complete(ResponsePrimitive.error(request, ResponseStatusCode.REQUEST_TIMEOUT, text,
                        ResponseFlag.UT));
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    CompletableFuture<ResponsePrimitive> reject(RequestPrimitive request, ResponseStatusCode code,
                                                        RejectReason reason, String text) {
        metrics.rejected(reason);
        LocalAnswers.answered(code.code(), request.rqi(), request.fr(), reason.label() + ": " + text);
        return CompletableFuture.completedFuture(ResponsePrimitive.error(request, code, text, flagOf(reason)));
    }

    /** The access line's flag for a request the bus refused (docs/operations.md "Access log"). */
    static ResponseFlag flagOf(RejectReason reason) {
        return switch (reason) {
            case EXPIRED -> ResponseFlag.EX;
            case NO_ROUTE, UNKNOWN_TARGET -> ResponseFlag.NR;
            case NOT_CONNECTED -> ResponseFlag.DO;
            case STORE_FULL -> ResponseFlag.UO;
            case BAD_REQUEST -> ResponseFlag.BR;
            case IDENTITY, NOT_REGISTERED -> ResponseFlag.GR;
        };
    }

    // ---- registration bookkeeping (called by RegistrationExchange) -----------------------------------------

    void registered(Registration registration, Origin origin) {
        boolean again = directory.register(registration);
        if (again && storeAndForward != null) {
            // before the bind below starts a flush: nothing stored for the earlier registration goes out
            storeAndForward.newIncarnation(registration.entityId(), registration.incarnation());
        }
        metrics.registeredEntities.set(directory.registrationCount());
        upstream(registration.upstream()).ifPresent(u -> u.entityRegistered(registration));
        if (origin.link() != null) {
            bind(registration.entityId(), origin.link());
        }
        LOG.info("registered {} {} via upstream {} (connection {}{}{})", registration.kind(), registration.entityId(),
                registration.upstream(), origin.connection(), again ? ", registered again: new incarnation" : "",
                registration.expiresAt() == null ? "" : ", expires " + registration.expiresAt());
    }

    /** A change to a registration that does not end it (its poa or expiration time was updated). */
    void updated(Registration registration) {
        directory.updateIfCurrent(registration);
    }

    /** Ends {@code registration}, unless the entity has registered again since (another incarnation). */
    void deregistered(Registration registration, RegistrationEnd why) {
        Optional<Optional<Link>> ended = directory.endIfCurrent(registration);
        if (ended.isEmpty()) {
            return; // already ended, or replaced by a newer registration that this does not concern
        }
        metrics.registeredEntities.set(directory.registrationCount());
        metrics.deregistered(why.label());
        metrics.boundEntities.set(directory.boundCount());
        ended.get().ifPresent(link -> link.entityUnbound(registration.entityId()));
        upstream(registration.upstream()).ifPresent(u -> u.entityDeregistered(registration));
        if (storeAndForward != null) {
            storeAndForward.deregistered(registration.entityId(), why);
        }
        LOG.info("deregistered {} {}: {}", registration.kind(), registration.entityId(), why.label().label());
    }

    /**
     * The operator ends the registration of {@code entityId} ({@code DELETE /api/registrations/{id}}): as for a
     * DELETE answered 2002, its connection is unbound and what is stored for it is dropped, but the registrar is not
     * told (the {@code <AE>} or {@code <remoteCSE>} may still exist there; docs/operations.md). False when the entity
     * is not registered.
     */
    public boolean deregisterByOperator(String entityId) {
        Optional<Registration> r = registry.byEntityId(entityId);
        r.ifPresent(registration -> deregistered(registration, RegistrationEnd.OPERATOR));
        return r.isPresent();
    }

    /**
     * The operator drops every request stored for {@code entityId}, its registration kept
     * ({@code DELETE /api/registrations/{id}/queue}). Completes with how many were dropped (0 without a store).
     */
    public CompletableFuture<Integer> purgeStored(String entityId) {
        return storeAndForward == null ? CompletableFuture.completedFuture(0) : storeAndForward.purge(entityId);
    }

    /** Periodic, on the timer: ends the registrations whose expiration time passed (the CSE deleted them). */
    private void expireRegistrations() {
        Instant now = deadlines.now();
        for (Registration r : registry.all()) {
            if (r.isExpired(now)) {
                try {
                    deregistered(r, RegistrationEnd.EXPIRED);
                } catch (RuntimeException e) { // a closed store at shutdown: the next start tries again
                    LOG.warn("could not end the expired registration of {}: {}", r.entityId(), e.toString());
                }
            }
        }
    }

    /** A fresh incarnation number for a new registration: random, never 0 (the value of older records). */
    static long newIncarnation() {
        long n;
        do {
            n = TOKENS.nextLong();
        } while (n == 0);
        return n;
    }

    static String newToken() {
        byte[] b = new byte[10];
        TOKENS.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
