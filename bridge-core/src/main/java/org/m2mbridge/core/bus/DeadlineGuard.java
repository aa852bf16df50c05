package org.m2mbridge.core.bus;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a request to a {@link Link} so that it yields exactly one response by its deadline (TS-0004 7.3.2.6: 4008
 * when the next hop does not answer in time). One deadline timer per exchange: a link whose {@link Correlator}
 * answers 4008 at the deadline ({@link Link#completesByDeadline()}) gets no timer from here; any other link is
 * guarded by one timer that fires a grace period after the deadline.
 */
final class DeadlineGuard {
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineGuard.class);
    /** The link's own timer produces the 4008; this guard only catches a link that never completes. */
    private static final Duration GUARD_GRACE = Duration.ofMillis(250);

    private final ScheduledExecutorService timer;
    private final BridgeMetrics metrics;
    private final PrimitiveTraffic traffic;
    private final Supplier<Deadlines> deadlines;

    DeadlineGuard(ScheduledExecutorService timer, BridgeMetrics metrics, PrimitiveTraffic traffic,
                  Supplier<Deadlines> deadlines) {
        this.timer = timer;
        this.metrics = metrics;
        this.traffic = traffic;
        this.deadlines = deadlines;
    }

    /** Delivers on {@code link} by {@code deadline}; never completes exceptionally (a closed link: 5103). */
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
            Throwable cause = error instanceof CompletionException && error.getCause() != null
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

    /** The guard for a link that does not complete by the deadline itself: one 4008 after a grace. */
    private ScheduledFuture<?> guard(Link link, RequestPrimitive request, Instant deadline,
                                     CompletableFuture<ResponsePrimitive> result) {
        long delayMs = Math.max(0, Duration.between(deadlines.get().now(), deadline).plus(GUARD_GRACE).toMillis());
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
}
