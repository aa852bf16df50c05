package org.m2mbridge.core;

import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.budget.InboundBudget;
import org.m2mbridge.core.bus.EntityDirectory;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.RegistrationAdmission;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;

/**
 * What a binding gets at start, each a narrow service passed in rather than asked of the bus: the validated
 * configuration, the bus (routing: {@code send}, links and upstreams), the entity directory (who is registered and
 * bound where), the registration gate's rule, the codecs, the metrics, a shared scheduler for timers (deadlines,
 * pings) and the process-wide inbound memory budget every connection of every binding holds an account of. The
 * scheduler must only run short non-blocking tasks.
 */
public record BridgeContext(BridgeConfig config, PrimitiveBus bus, EntityDirectory directory,
                            RegistrationAdmission admission, Codecs codecs, BridgeMetrics metrics,
                            ScheduledExecutorService timer, InboundBudget inboundBudget) {

    /** The directory and the gate's rule of {@code bus}. */
    public BridgeContext(BridgeConfig config, PrimitiveBus bus, Codecs codecs, BridgeMetrics metrics,
                         ScheduledExecutorService timer, InboundBudget inboundBudget) {
        this(config, bus, bus.directory(), bus.admission(), codecs, metrics, timer, inboundBudget);
    }

    /** With a budget of its own, sized and swept from {@code config.limits()} (tests, a binding on its own). */
    public BridgeContext(BridgeConfig config, PrimitiveBus bus, Codecs codecs, BridgeMetrics metrics,
                         ScheduledExecutorService timer) {
        this(config, bus, codecs, metrics, timer, InboundBudget.start(config.limits(), metrics, timer));
    }
}
