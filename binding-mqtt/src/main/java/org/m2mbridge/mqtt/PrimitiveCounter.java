package org.m2mbridge.mqtt;

import java.util.Locale;
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

    /** kind: connect | timeout | protocol | closed. */
    void error(String kind) {
        metrics.upstreamErrors.labelValues(upstream, kind).inc();
    }
}
