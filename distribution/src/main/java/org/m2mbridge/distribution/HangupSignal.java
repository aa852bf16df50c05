package org.m2mbridge.distribution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP. The JVM's default runs the shutdown hooks, so the bridge stopped with exit 0 and a service manager saw a
 * clean stop instead of a reload and did not restart it. Until reload exists the signal is logged and ignored, so
 * {@code systemctl reload} (ExecReload in config/m2m-bridge.service) leaves the bridge running.
 */
final class HangupSignal {
    private static final Logger LOG = LoggerFactory.getLogger(HangupSignal.class);

    private HangupSignal() {
    }

    /** Replaces the JVM's SIGHUP behaviour; does nothing where the signal is ignored already (nohup). */
    static void install() {
        try {
            Signal.handle(new Signal("HUP"), s -> LOG.warn("SIGHUP received: reload is not supported yet; "
                    + "the bridge keeps running with its current configuration"));
        } catch (IllegalArgumentException e) {
            LOG.debug("SIGHUP is not handled here: {}", e.getMessage());
        }
    }
}
