package org.m2mbridge.distribution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads the configuration ({@link ConfigReload}), as nginx, Mosquitto and Prometheus do; {@code systemctl
 * reload} sends it (ExecReload in config/m2m-bridge.service). The JVM's default would run the shutdown hooks and
 * stop the bridge with exit 0, which a service manager takes for a clean stop and does not restart.
 */
final class HangupSignal {
    private static final Logger LOG = LoggerFactory.getLogger(HangupSignal.class);

    private HangupSignal() {
    }

    /** Replaces the JVM's SIGHUP behaviour; does nothing where the signal is ignored already (nohup). */
    static void install(Bridge bridge) {
        try {
            // The JVM runs each signal handler on a thread of its own: the reload may take its time there.
            Signal.handle(new Signal("HUP"), s -> {
                LOG.info("SIGHUP received: reloading the configuration");
                ConfigReload.Outcome outcome = bridge.reload();
                if (outcome.unavailable()) {
                    LOG.warn("SIGHUP: {}; the bridge keeps running with its current configuration", outcome.error());
                }
            });
        } catch (IllegalArgumentException e) {
            LOG.debug("SIGHUP is not handled here: {}", e.getMessage());
        }
    }
}
