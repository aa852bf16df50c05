package org.m2mbridge.ws;

import java.util.Locale;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;

/** Label values this binding puts on {@link BridgeMetrics#primitives} (bounded: never an ID). */
public final class BridgeMetricsLabels {
    public static final String IN = BridgeMetrics.IN;
    public static final String OUT = BridgeMetrics.OUT;

    private BridgeMetricsLabels() {
    }

    public static String op(RequestPrimitive request) {
        return request.op().name().toLowerCase(Locale.ROOT);
    }
}
