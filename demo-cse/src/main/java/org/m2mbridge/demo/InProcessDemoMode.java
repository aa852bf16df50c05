package org.m2mbridge.demo;

import org.m2mbridge.core.DemoMode;
import org.m2mbridge.core.DemoPeers;
import org.m2mbridge.core.config.BridgeConfig;

/** {@code --demo}: the demo peers in the bridge's own process (registered in META-INF/services). */
public final class InProcessDemoMode implements DemoMode {

    @Override
    public DemoPeers start(BridgeConfig config) {
        return InProcessDemoPeers.start(config);
    }
}
