package org.m2mbridge.mqtt;

import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.Direction;
import org.m2mbridge.core.metrics.OpLabel;
import org.m2mbridge.core.metrics.UpstreamErrorKind;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/** The MQTT binding's metrics for one upstream: primitives crossing it and its transport errors (bounded labels). */
record PrimitiveCounter(BridgeMetrics metrics, String upstream) {
    static final String BINDING = "mqtt";

    void request(Direction direction, RequestPrimitive r) {
        metrics.request(BINDING, direction, OpLabel.of(r));
    }

    /** A response to a request of {@code op} ({@link OpLabel#UNKNOWN} when the request did not decode). */
    void response(Direction direction, OpLabel op, ResponsePrimitive r) {
        metrics.response(BINDING, direction, op, r.rsc());
    }

    /** An answer the bridge gives itself for a request it sent out (5103 and the like), counted as received. */
    CompletableFuture<ResponsePrimitive> answered(RequestPrimitive request, ResponsePrimitive r) {
        response(Direction.IN, OpLabel.of(request), r);
        return CompletableFuture.completedFuture(r);
    }

    /** {@code answer}, counted as a received response when it completes. */
    CompletableFuture<ResponsePrimitive> answers(RequestPrimitive request, CompletableFuture<ResponsePrimitive> answer) {
        OpLabel op = OpLabel.of(request);
        return answer.thenApply(r -> {
            response(Direction.IN, op, r);
            return r;
        });
    }

    void error(UpstreamErrorKind kind) {
        metrics.upstreamError(upstream, kind);
    }
}
