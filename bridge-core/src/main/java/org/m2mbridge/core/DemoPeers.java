package org.m2mbridge.core;

import java.io.PrintStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.config.BridgeConfig;

/**
 * Demo mode's peers, started by a {@link DemoMode} around the bridge: a CSE stand-in the demo upstream is pointed at
 * and a scripted device. TEST/DEMO peers, never a product feature.
 */
public interface DemoPeers extends AutoCloseable {

    /** The configuration the bridge runs with: the demo upstream pointed at the demo CSE. */
    BridgeConfig bridgeConfig();

    /**
     * Runs the scripted device against the bridge's bound {@code listeners} (by name, as announced in the
     * {@code listening} lines) on its own thread, printing its steps to {@code out}; throws when the listener it
     * needs is not bound.
     */
    void runAe(Map<String, URI> listeners, PrintStream out);

    /** Completes with the demo's own outcome record when the scripted device has run. */
    CompletableFuture<?> aeResult();

    @Override
    void close();
}
