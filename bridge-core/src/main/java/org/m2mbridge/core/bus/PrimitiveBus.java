package org.m2mbridge.core.bus;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * The primitive bus: the one door through which a request from any binding reaches its next hop and its response
 * comes back. Transport-agnostic; bindings plug in as {@link Link}s and {@link Upstream}s. The work is split by job:
 * the {@link Router} chooses the next hop, {@link Delivery} hands the request to it (deadline guard,
 * store-and-forward), {@link Registrations} keeps the registration bookkeeping, the {@link EntityDirectory} knows
 * who is registered and bound where. This class checks the deadline, wires them together and counts each exchange.
 *
 * <ul>
 *   <li>From DOWNSTREAM (devices): routed to an upstream by the {@link RouteTable}. Registrations (CREATE
 *       {@code <AE>}/{@code <remoteCSE>}) get their {@code poa} rewritten to the bridge and, once answered 2001,
 *       enter the directory and are bound to the originating link (TS-0020 7.4); see {@link RegistrationExchange}.
 *       Response filters then see the answer with the request and its ingress.</li>
 *   <li>From UPSTREAM (CSEs): routed to the registered entity the {@code to} names, on the link it is bound to
 *       (notifications down the device's own socket); 4004 when no such entity is registered. When it is
 *       registered but not connected the request is stored and delivered on reconnect (docs/reliability.md), or
 *       answered 5103 when store-and-forward is disabled or the request is immediate.</li>
 * </ul>
 * Every request gets a deadline ({@link Deadlines}); an expired {@code rqet} is refused with 4008 before
 * forwarding (TS-0004 7.3.2.6), and a next hop that does not answer in time yields exactly one 4008.
 */
public final class PrimitiveBus {
    private final List<ResponseFilter> responseFilters = new CopyOnWriteArrayList<>();
    private final EntityDirectory directory;
    private final Upstreams upstreams = new Upstreams();
    private final Router router;
    private final Delivery delivery;
    private final Registrations registrations;
    private final RegistrationAdmission admission;
    private final PrimitiveTraffic traffic;
    private final BridgeMetrics metrics;
    /** Replaced as a whole by a reload ({@link #reconfigure}); read once per request. */
    private volatile Deadlines deadlines;

    /**
     * @param directory who is registered and bound where ({@link LocalEntityDirectory} over the store's registry; a
     *                  shared implementation can take its place)
     * @param store    where requests for offline entities wait (see {@code store.BridgeStorage}); the bus does
     *                 not close it
     * @param settings {@code store.*}; {@code enabled: false} answers 5103 for offline entities and never stores
     */
    public PrimitiveBus(EntityDirectory directory, RouteTable routes, Deadlines deadlines,
                        ScheduledExecutorService timer, BridgeMetrics metrics, DeliveryStore store,
                        StoreSettings settings) {
        this.directory = directory;
        this.deadlines = deadlines;
        this.metrics = metrics;
        this.traffic = new PrimitiveTraffic(metrics);
        DeadlineGuard guard = new DeadlineGuard(timer, metrics, traffic, this::deadlines);
        this.delivery = new Delivery(directory, guard, metrics, settings.enabled()
                ? new StoreAndForward(directory, guard, store, settings, timer, metrics, this::deadlines) : null);
        metrics.storeCapacityPrimitives.set(settings.enabled() ? settings.maxTotal() : 0);
        metrics.storeCapacityBytes.set(settings.enabled() ? settings.maxTotalBytes() : 0);
        this.registrations = new Registrations(directory, upstreams, delivery, metrics, timer, this::deadlines,
                settings.sweepInterval());
        this.router = new Router(upstreams, directory, routes, this::deadlines, registrations::expired);
        this.admission = new RegistrationAdmission(router::findEntity, metrics, new GateRefusalLog());
        responseFilters.add(new OwnPoaRestore(directory));
    }

    /** Stops the bus's own timers (the store and registration sweeps). Call before closing the store. */
    public void close() {
        registrations.close();
        delivery.close();
    }

    private Deadlines deadlines() {
        return deadlines;
    }

    // ---- wiring --------------------------------------------------------------------------------------------

    public void addUpstream(Upstream upstream) {
        upstreams.add(upstream);
    }

    /**
     * Reload: puts {@code upstream} on the bus, replacing the one of the same name (returned, if any); requests
     * routed from now on go to the new one, those already handed to the old one finish there.
     */
    public Optional<Upstream> putUpstream(Upstream upstream) {
        return upstreams.put(upstream);
    }

    /** Reload: takes the upstream {@code name} off the bus; new requests for it get the no-route answer (4004). */
    public Optional<Upstream> removeUpstream(String name) {
        return upstreams.remove(name);
    }

    /** Reload: the routes and request deadlines that apply to requests routed from now on. */
    public void reconfigure(RouteTable routes, Deadlines deadlines) {
        router.reroute(routes);
        this.deadlines = deadlines;
    }

    public List<Upstream> upstreams() {
        return upstreams.all();
    }

    public Optional<Upstream> upstream(String name) {
        return upstreams.named(name);
    }

    public void addResponseFilter(ResponseFilter filter) {
        responseFilters.add(filter);
    }

    /** Who is registered and bound where: for wiring {@code BridgeContext} once, not for looking services up. */
    public EntityDirectory directory() {
        return directory;
    }

    /** The registration gate's rule (one per bus: one refusal log): for wiring {@code BridgeContext} once. */
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
        registrations.bind(entityId, link);
    }

    /**
     * A request from the registered entity {@code entityId} arrived over {@code link} (a reconnect, a bridge restart,
     * another binding used before): the one re-identification every binding uses (TS-0020 7.4). Binds it there as
     * {@code mode} says, which delivers what store-and-forward kept for it; nothing when it is bound there already.
     * True when the entity is bound to {@code link} afterwards.
     */
    public boolean reidentify(String entityId, Link link, EntityDirectory.Reidentify mode) {
        return registrations.reidentify(entityId, link, mode);
    }

    /** Unbinds {@code entityId} if it is bound to {@code link} (a closing connection). Never deregisters. */
    public void unbind(String entityId, Link link) {
        registrations.unbind(entityId, link);
    }

    public Optional<Link> boundLink(String entityId) {
        return directory.boundLink(entityId);
    }

    /** Registered entities, with the link each is bound to now (if any): for the status API. */
    public Collection<Registration> registrations() {
        return directory.registrations();
    }

    /**
     * The registered entity a {@code to} addresses ({@link Router#findEntity}); an expired registration is not
     * found.
     */
    public Optional<Registration> findEntity(String to) {
        return router.findEntity(to);
    }

    /**
     * The operator ends the registration of {@code entityId} ({@code DELETE /api/registrations/{id}}): as for a
     * DELETE answered 2002, its connection is unbound and what is stored for it is dropped, but the registrar is not
     * told (the {@code <AE>} or {@code <remoteCSE>} may still exist there; docs/operations.md). False when the entity
     * is not registered.
     */
    public boolean deregisterByOperator(String entityId) {
        return registrations.deregisterByOperator(entityId);
    }

    /**
     * The operator drops every request stored for {@code entityId}, its registration kept
     * ({@code DELETE /api/registrations/{id}/queue}). Completes with how many were dropped (0 without a store).
     */
    public CompletableFuture<Integer> purgeStored(String entityId) {
        return delivery.purge(entityId);
    }

    // ---- exchanges -----------------------------------------------------------------------------------------

    /**
     * Routes {@code request} and completes with exactly one response; never completes exceptionally.
     */
    public CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, Ingress ingress) {
        return send(request, ingress, null);
    }

    /**
     * A request from upstream that arrived at the point of access of the registered entity {@code nextHop} (its
     * notification URL, its MQTT receiver topic) goes to that entity whatever its {@code to} names: the point of
     * access names the next hop and {@code to} the target (TS-0009 6.2.2.1, TS-0010 6.4.2), which may be a resource
     * below an MN-CSE ({@code /id-mn/cse-mn/ae1}) or beyond it. Same guarantees as {@link #send}; 4004 when
     * {@code nextHop} is no longer registered.
     */
    public CompletableFuture<ResponsePrimitive> sendVia(String nextHop, RequestPrimitive request, Ingress ingress) {
        if (ingress.side() != Ingress.Side.UPSTREAM) {
            throw new IllegalArgumentException("only requests from upstream go to an entity's point of access");
        }
        return send(request, ingress, nextHop);
    }

    private CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, Ingress ingress, String nextHop) {
        // counted and logged once per exchange, whichever binding it came from
        Hop hop = new Hop();
        return traffic.received(request, ingress, () -> hop.via, () -> route(request, ingress, nextHop, hop));
    }

    /**
     * A request {@code ingress}'s binding answered itself, before the bus (a primitive that did not decode, a limit,
     * the registration gate): counted and logged as the bus's own exchanges are. {@code request} is null when the
     * message did not decode.
     */
    public void answeredLocally(RequestPrimitive request, Ingress ingress, ResponsePrimitive response) {
        traffic.answeredLocally(request, ingress, response);
    }

    /** Where the exchange went (an upstream's name, a device connection's id), for the access line. */
    private static final class Hop {
        String via; // written before the request is handed on; read after it completes
    }

    private CompletableFuture<ResponsePrimitive> route(RequestPrimitive request, Ingress ingress, String nextHop,
                                                       Hop hop) {
        Deadlines d = deadlines;
        Instant deadline = d.deadlineOf(request);
        if (!deadline.isAfter(d.now())) {
            return Refusal.refuse(metrics, request, ResponseStatusCode.REQUEST_TIMEOUT, RejectReason.EXPIRED,
                    "request expiration time (rqet) has already passed");
        }
        metrics.pendingRequests.inc();
        CompletableFuture<ResponsePrimitive> result = ingress.side() == Ingress.Side.DOWNSTREAM
                ? sendUp(request, ingress, deadline, hop)
                : sendDown(request, deadline, nextHop, hop);
        return result.whenComplete((r, e) -> metrics.pendingRequests.dec());
    }

    private CompletableFuture<ResponsePrimitive> sendUp(RequestPrimitive request, Ingress ingress, Instant deadline,
                                                        Hop hop) {
        Optional<Upstream> target = router.upstreamFor(request.to());
        if (target.isEmpty()) {
            return Refusal.refuse(metrics, request, ResponseStatusCode.NOT_FOUND, RejectReason.NO_ROUTE,
                    "no upstream route for target '" + request.to() + "'");
        }
        Upstream upstream = target.get();
        hop.via = upstream.name();
        RegistrationExchange registration = RegistrationExchange.of(request, ingress, upstream, directory);
        RequestPrimitive wire = registration == null ? request : registration.rewrittenRequest();
        return delivery.toUpstream(upstream, wire, deadline).thenApply(response -> {
            ResponsePrimitive r = registration == null ? response : registration.complete(response, registrations);
            for (ResponseFilter f : responseFilters) {
                r = f.apply(request, ingress, r);
            }
            return r;
        });
    }

    private CompletableFuture<ResponsePrimitive> sendDown(RequestPrimitive request, Instant deadline,
                                                          String nextHop, Hop hop) {
        Optional<Registration> target = nextHop != null ? router.entity(nextHop) : router.findEntity(request.to());
        if (target.isEmpty()) {
            return Refusal.refuse(metrics, request, ResponseStatusCode.NOT_FOUND, RejectReason.UNKNOWN_TARGET, "'"
                    + (nextHop != null ? nextHop : request.to()) + "' is not an entity registered through this bridge");
        }
        hop.via = directory.boundLink(target.get().entityId()).map(Link::id).orElse(null);
        return delivery.toEntity(target.get(), request, deadline);
    }
}
