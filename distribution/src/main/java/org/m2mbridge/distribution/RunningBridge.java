package org.m2mbridge.distribution;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.DemoMode;
import org.m2mbridge.core.DemoPeers;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.InstanceLayout;

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
        DemoPeers demo = startDemo(config);
        Bridge bridge = null;
        try {
            bridge = Bridge.start(demo.bridgeConfig(), bindings, out, layout);
            demo.runAe(bridge.listeners(), out);
            return new RunningBridge(bridge, demo);
        } catch (RuntimeException e) {
            if (bridge != null) {
                bridge.close();
            }
            demo.close();
            throw forOperator(e);
        }
    }

    /** The demo peers of the installed {@link DemoMode} (module demo-cse, a jar in lib/ like a binding). */
    private static DemoPeers startDemo(BridgeConfig config) {
        DemoMode mode = ServiceLoader.load(DemoMode.class, RunningBridge.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new StartupFailure("demo mode needs the demo-cse jar in lib/, which is not "
                        + "installed"));
        try {
            return mode.start(config);
        } catch (RuntimeException e) {
            throw forOperator(e);
        }
    }

    /** A demo peer's failure (it knows no StartupFailure) as one, so Main reports it like any failed start. */
    private static RuntimeException forOperator(RuntimeException e) {
        return e instanceof StartupFailure || e instanceof ConfigException ? e : new StartupFailure(e.getMessage(), e);
    }

    public Bridge bridge() {
        return bridge;
    }

    /** In demo mode, the outcome of the demo AE's script (the demo's own result record); empty otherwise. */
    Optional<CompletableFuture<?>> demoAe() {
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
