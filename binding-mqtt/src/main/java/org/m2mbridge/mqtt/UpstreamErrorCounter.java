package org.m2mbridge.mqtt;

import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.UpstreamErrorKind;

/**
 * The MQTT binding's transport errors for one upstream (bounded labels). Primitives are counted by the bus, the one
 * instrumentation point, never here.
 */
record UpstreamErrorCounter(BridgeMetrics metrics, String upstream) {
    static final String BINDING = "mqtt";

    void error(UpstreamErrorKind kind) {
        metrics.upstreamError(upstream, kind);
    }
}
