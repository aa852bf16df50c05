package org.m2mbridge.distribution;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.demo.DemoAeResult;

/** The bridge plus, in demo mode, the demo peers around it; closing stops the bridge first, then the peers. */
public final class RunningBridge implements AutoCloseable {
    private final Bridge bridge;
    private final DemoPeers demo;

    private RunningBridge(Bridge bridge, DemoPeers demo) {
        this.bridge = bridge;
        this.demo = demo;
    }

    static RunningBridge start(BridgeConfig config, boolean demoMode, PrintStream out) {
        return start(config, demoMode, out, BindingDiscovery.discover(RunningBridge.class.getClassLoader()),
                InstanceLayout.current());
    }

    /** Starts {@code bindings} on {@code config} in {@code layout}; in demo mode with the demo peers around it. */
    static RunningBridge start(BridgeConfig config, boolean demoMode, PrintStream out, List<Binding> bindings,
                               InstanceLayout layout) {
        if (!demoMode) {
            return new RunningBridge(Bridge.start(config, bindings, out, layout), null);
        }
        DemoPeers demo = DemoPeers.start(config);
        Bridge bridge = null;
        try {
            bridge = Bridge.start(demo.bridgeConfig(), bindings, out, layout);
            demo.runAe(bridge, out);
            return new RunningBridge(bridge, demo);
        } catch (RuntimeException e) {
            if (bridge != null) {
                bridge.close();
            }
            demo.close();
            throw e;
        }
    }

    public Bridge bridge() {
        return bridge;
    }

    /** In demo mode, the outcome of the demo AE's script; empty otherwise. */
    Optional<CompletableFuture<DemoAeResult>> demoAe() {
        return Optional.ofNullable(demo).map(DemoPeers::aeResult);
    }

    @Override
    public void close() {
        try {
            bridge.close();
        } finally {
            if (demo != null) {
                demo.close();
            }
        }
    }
}
