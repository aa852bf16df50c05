package org.m2mbridge.mqtt;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/** The MQTT binding's metrics for one upstream: primitives crossing it and its transport errors (bounded labels). */
record PrimitiveCounter(BridgeMetrics metrics, String upstream) {
    static final String BINDING = "mqtt";

    void request(String direction, RequestPrimitive r) {
        metrics.primitives.labelValues(BINDING, direction, "request", r.op().name().toLowerCase(Locale.ROOT), "").inc();
    }

    void response(String direction, ResponsePrimitive r) {
        metrics.primitives.labelValues(BINDING, direction, "response", "", ResponseStatusCode.classOf(r.rsc())).inc();
    }

    /** An answer the bridge gives itself for a request it sent out (5103 and the like), counted as received. */
    CompletableFuture<ResponsePrimitive> answered(ResponsePrimitive r) {
        response(BridgeMetrics.IN, r);
        return CompletableFuture.completedFuture(r);
    }

    /** {@code answer}, counted as a received response when it completes. */
    CompletableFuture<ResponsePrimitive> answers(CompletableFuture<ResponsePrimitive> answer) {
        return answer.thenApply(r -> {
            response(BridgeMetrics.IN, r);
            return r;
        });
    }

    /** kind: connect | timeout | protocol | closed. */
    void error(String kind) {
        metrics.upstreamErrors.labelValues(upstream, kind).inc();
    }
}
