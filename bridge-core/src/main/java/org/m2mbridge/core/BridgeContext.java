package org.m2mbridge.core;

import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;

/**
 * What a binding gets at start: the validated configuration, the bus, the codecs, the metrics and a shared
 * scheduler for timers (deadlines, pings). The scheduler must only run short non-blocking tasks.
 */
public record BridgeContext(BridgeConfig config, PrimitiveBus bus, Codecs codecs, BridgeMetrics metrics,
                            ScheduledExecutorService timer) {
}
