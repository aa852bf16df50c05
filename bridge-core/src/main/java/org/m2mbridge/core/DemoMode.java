package org.m2mbridge.core;

import org.m2mbridge.core.config.BridgeConfig;

/**
 * Starts the {@link DemoPeers} of {@code --demo}; found like a binding, through
 * {@code META-INF/services/org.m2mbridge.core.DemoMode}, so the distribution never compiles the demo in.
 */
public interface DemoMode {

    /** Starts the peers for {@code config} (same CSE-ID as its demo upstream); throws when they cannot start. */
    DemoPeers start(BridgeConfig config);
}
