package org.m2mbridge.core.testing;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.bus.Correlator;
import org.m2mbridge.core.bus.Link;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * A downstream link for tests, correlating like a real connection would: requests delivered to it are recorded
 * (as sent on the wire) and stay outstanding until the test calls {@link #respond}. Counts timeouts and late
 * responses like the metrics would.
 */
public final class RecordingLink implements Link, Correlator.Listener {
    public final List<RequestPrimitive> wire = new CopyOnWriteArrayList<>();
    public final List<String> unbound = new CopyOnWriteArrayList<>();
    public final java.util.concurrent.atomic.AtomicInteger timeouts = new java.util.concurrent.atomic.AtomicInteger();
    public final java.util.concurrent.atomic.AtomicInteger late = new java.util.concurrent.atomic.AtomicInteger();
    private final String id;
    private final Correlator correlator;

    public RecordingLink(String id, ScheduledExecutorService timer, int maxPending) {
        this.id = id;
        this.correlator = new Correlator(id, timer, maxPending, this);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String binding() {
        return "test";
    }

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        return correlator.expect(request, deadline).map(p -> {
            wire.add(p.wireRequest());
            return p.response();
        }).orElseGet(() -> CompletableFuture.completedFuture(ResponsePrimitive.error(request,
                ResponseStatusCode.INTERNAL_SERVER_ERROR, "too many outstanding requests")));
    }

    /** The device answers: a response with {@code rsc} for the wire request {@code wireRqi}. */
    public boolean respond(String wireRqi, int rsc) {
        return correlator.complete(ResponsePrimitive.builder(rsc, wireRqi).build());
    }

    public Correlator correlator() {
        return correlator;
    }

    @Override
    public void entityUnbound(String entityId) {
        unbound.add(entityId);
    }

    @Override
    public void timedOut() {
        timeouts.incrementAndGet();
    }

    @Override
    public void lateResponse() {
        late.incrementAndGet();
    }
}
