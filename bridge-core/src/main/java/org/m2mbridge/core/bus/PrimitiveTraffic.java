package org.m2mbridge.core.bus;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.Direction;
import org.m2mbridge.core.metrics.OpLabel;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * The one instrumentation point for primitives (issue 17): every primitive that crosses a binding is counted in
 * {@code m2mbridge_primitives_total} and every exchange gets its access line here, at the bus's boundary with the
 * bindings, so no binding counts or logs primitives itself and no label value is spelled twice.
 * <ul>
 *   <li>A request a binding hands to the bus is IN on the binding of its {@link Ingress}; the answer the bus gives
 *       back is OUT there, with the request's operation; one access line for the exchange.</li>
 *   <li>A request the bus hands to a {@link Link} is OUT on the link's binding; the answer the link completes with
 *       is IN there (the peer's, or the one the binding wrote for a transport failure); an {@link Upstream}'s round
 *       trip is observed once, in {@code m2mbridge_upstream_request_duration_seconds}.</li>
 *   <li>A request a binding answers itself before the bus (a primitive that does not decode, a limit, the
 *       registration gate) goes through {@link #answeredLocally}: IN and OUT as above, one access line.</li>
 * </ul>
 */
final class PrimitiveTraffic {
    private final BridgeMetrics metrics;

    PrimitiveTraffic(BridgeMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * A request from a binding; {@code exchange} routes it and never completes exceptionally; {@code via} names
     * where it went (an upstream, a device connection) once it is answered, for the access line.
     */
    CompletableFuture<ResponsePrimitive> received(RequestPrimitive request, Ingress ingress, Supplier<String> via,
                                                 Supplier<CompletableFuture<ResponsePrimitive>> exchange) {
        long started = System.nanoTime();
        OpLabel op = OpLabel.of(request);
        metrics.request(ingress.binding(), Direction.IN, op);
        return exchange.get().whenComplete((response, error) -> {
            if (response != null) {
                metrics.response(ingress.binding(), Direction.OUT, op, response.rsc());
            }
            AccessLog.exchanged(request, ingress, response, via.get(), started);
        });
    }

    /** A request handed to {@code link}; {@code delivery} is the link's answer. */
    CompletableFuture<ResponsePrimitive> sent(Link link, RequestPrimitive request,
                                              Supplier<CompletableFuture<ResponsePrimitive>> delivery) {
        OpLabel op = OpLabel.of(request);
        metrics.request(link.binding(), Direction.OUT, op);
        long started = System.nanoTime();
        return delivery.get().whenComplete((response, error) -> {
            if (response != null) {
                metrics.response(link.binding(), Direction.IN, op, response.rsc());
                if (link instanceof Upstream upstream) {
                    metrics.upstreamRequestDuration.labelValues(upstream.name(), op.label())
                            .observe((System.nanoTime() - started) / 1e9);
                }
            }
        });
    }

    /**
     * A request a binding answered itself, before the bus. {@code request} is null when the message did not
     * decode: only the answer is counted, under {@link OpLabel#UNKNOWN}.
     */
    void answeredLocally(RequestPrimitive request, Ingress ingress, ResponsePrimitive response) {
        OpLabel op = OpLabel.of(request);
        if (request != null) {
            metrics.request(ingress.binding(), Direction.IN, op);
        }
        metrics.response(ingress.binding(), Direction.OUT, op, response.rsc());
        AccessLog.answeredLocally(request, ingress, response);
    }
}
