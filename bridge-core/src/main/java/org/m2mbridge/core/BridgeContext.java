package org.m2mbridge.core;

import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.budget.InboundBudget;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;

/**
 * What a binding gets at start: the validated configuration, the bus, the codecs, the metrics, a shared
 * scheduler for timers (deadlines, pings) and the process-wide inbound memory budget every connection of every
 * binding holds an account of. The scheduler must only run short non-blocking tasks.
 */
public record BridgeContext(BridgeConfig config, PrimitiveBus bus, Codecs codecs, BridgeMetrics metrics,
                            ScheduledExecutorService timer, InboundBudget inboundBudget) {

    /** With a budget of its own, sized and swept from {@code config.limits()} (tests, a binding on its own). */
    public BridgeContext(BridgeConfig config, PrimitiveBus bus, Codecs codecs, BridgeMetrics metrics,
                         ScheduledExecutorService timer) {
        this(config, bus, codecs, metrics, timer, InboundBudget.start(config.limits(), metrics, timer));
    }
}
