package org.m2mbridge.core.bus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Outstanding requests of ONE link (a WebSocket session, an MQTT upstream), keyed by the {@code rqi} used on that
 * link's wire. {@code rqi} is only unique per originator (TS-0004 6.4.1), and a link may carry requests from many
 * originators, so a colliding {@code rqi} is replaced by a link-local one on the wire and mapped back in the
 * response (docs/spec/primitives.md `rqi`; docs/spec/peers.md "Correlation"). Every entry has a deadline that yields
 * exactly one 4008; a response
 * that arrives after it is dropped and reported through {@link Listener#lateResponse()}.
 */
public final class Correlator {

    /** Hooks for metrics; called on the thread that observes the event. */
    public interface Listener {
        default void timedOut() {
        }

        default void lateResponse() {
        }
    }

    /** What the link sends ({@code wireRequest}: same as the caller's request unless its rqi was taken). */
    public record Pending(RequestPrimitive wireRequest, CompletableFuture<ResponsePrimitive> response) {
    }

    private record Entry(String originalRqi, CompletableFuture<ResponsePrimitive> future, ScheduledFuture<?> timer) {
    }

    private final String linkId;
    private final ScheduledExecutorService timer;
    private final int maxPending;
    private final Listener listener;
    private final Clock clock;
    private final Map<String, Entry> pending = new ConcurrentHashMap<>();
    private final AtomicLong localIds = new AtomicLong();

    public Correlator(String linkId, ScheduledExecutorService timer, int maxPending, Listener listener, Clock clock) {
        this.linkId = linkId;
        this.timer = timer;
        this.maxPending = maxPending;
        this.listener = listener;
        this.clock = clock;
    }

    public Correlator(String linkId, ScheduledExecutorService timer, int maxPending, Listener listener) {
        this(linkId, timer, maxPending, listener, Clock.systemUTC());
    }

    /**
     * Registers {@code request} as outstanding until {@code deadline}. Empty when {@code maxPending} requests are
     * already outstanding: the caller answers with an error instead of queueing without bound.
     */
    public Optional<Pending> expect(RequestPrimitive request, Instant deadline) {
        if (pending.size() >= maxPending) {
            return Optional.empty();
        }
        String original = request.rqi();
        String wireRqi = original == null ? linkId + "~" + localIds.incrementAndGet() : original;
        CompletableFuture<ResponsePrimitive> future = new CompletableFuture<>();
        long delayMs = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
        // Reserve the key first so two concurrent callers with the same rqi cannot both take it.
        Entry placeholder = new Entry(original, future, null);
        while (pending.putIfAbsent(wireRqi, placeholder) != null) {
            wireRqi = (original == null ? linkId : original) + "~" + localIds.incrementAndGet();
        }
        String key = wireRqi;
        ScheduledFuture<?> t = timer.schedule(() -> timeout(key), delayMs, TimeUnit.MILLISECONDS);
        pending.replace(key, placeholder, new Entry(original, future, t));
        if (future.isDone()) { // completed before the timer was attached
            t.cancel(false);
        }
        RequestPrimitive wire = key.equals(original) ? request : request.toBuilder().rqi(key).build();
        return Optional.of(new Pending(wire, future));
    }

    /**
     * Completes the outstanding request whose wire {@code rqi} the response carries. Returns false (and reports a
     * late response) when nothing is outstanding under that rqi: unknown, duplicate, or past its deadline.
     */
    public boolean complete(ResponsePrimitive response) {
        String rqi = response.rqi();
        Entry e = rqi == null ? null : pending.remove(rqi);
        if (e == null) {
            listener.lateResponse();
            return false;
        }
        if (e.timer() != null) {
            e.timer().cancel(false);
        }
        ResponsePrimitive back = rqi.equals(e.originalRqi()) ? response : response.toBuilder().rqi(e.originalRqi()).build();
        return e.future().complete(back);
    }

    /** Fails every outstanding request with {@code status} (shutdown, an upstream gone). Returns how many. */
    public int failAll(ResponseStatusCode status, String reason) {
        return drain(e -> e.future().complete(ResponsePrimitive.error(e.originalRqi(), null, null, status, reason)
                .withFlag(status == ResponseStatusCode.REQUEST_TIMEOUT ? ResponseFlag.UT : ResponseFlag.UC)));
    }

    /**
     * The link's connection closed: fails every outstanding request with {@link LinkClosedException}, which the bus
     * tells apart from an answer (store-and-forward keeps such a request). Returns how many.
     */
    public int closeAll(String reason) {
        return drain(e -> e.future().completeExceptionally(new LinkClosedException(reason)));
    }

    private int drain(java.util.function.Consumer<Entry> fail) {
        int n = 0;
        for (String key : pending.keySet()) {
            Entry e = pending.remove(key);
            if (e != null) { // only the thread that removed the entry completes it
                if (e.timer() != null) {
                    e.timer().cancel(false);
                }
                fail.accept(e);
                n++;
            }
        }
        return n;
    }

    public int outstanding() {
        return pending.size();
    }

    private void timeout(String key) {
        Entry e = pending.remove(key);
        if (e != null) { // only the thread that removed the entry completes it: exactly one 4008
            listener.timedOut(); // before completing, so whoever observes the 4008 also sees it counted
            e.future().complete(ResponsePrimitive.error(e.originalRqi(), null, null,
                    ResponseStatusCode.REQUEST_TIMEOUT, "no response from " + linkId + " before the request deadline")
                    .withFlag(ResponseFlag.UT));
        }
    }
}
