package org.m2mbridge.demo;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.DemoPeers;
import org.m2mbridge.core.FailureWords;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.UpstreamConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode: the DEMO peers of this module (test/demo stand-ins, never a product feature) started in the
 * bridge's process, found by the distribution through {@link InProcessDemoMode}. A CSE stand-in on an ephemeral loopback port, which the demo upstream is pointed at, and a
 * scripted AE that talks to the bridge's WebSocket listener like a device would.
 */
public final class InProcessDemoPeers implements DemoPeers {
    private static final Logger LOG = LoggerFactory.getLogger("org.m2mbridge.demo.DEMO-PEER");
    private static final String LOOPBACK = "127.0.0.1";

    private final DemoCse cse;
    private final DemoCseHttpServer cseServer;
    private final BridgeConfig bridgeConfig;
    private final CompletableFuture<DemoAeResult> aeResult = new CompletableFuture<>();

    private InProcessDemoPeers(DemoCse cse, DemoCseHttpServer cseServer, BridgeConfig bridgeConfig) {
        this.cse = cse;
        this.cseServer = cseServer;
        this.bridgeConfig = bridgeConfig;
    }

    /** Starts the demo CSE for the demo upstream of {@code config} (same CSE-ID, so routing works unchanged). */
    public static InProcessDemoPeers start(BridgeConfig config) {
        UpstreamConfig upstream = demoUpstream(config);
        String cseName = upstream.cseName() != null ? upstream.cseName() : DemoCse.Settings.defaults().cseName();
        DemoCse cse = new DemoCse(new DemoCse.Settings(upstream.cseId(), cseName, Duration.ofSeconds(5)));
        Codecs codecs = new Codecs(new CodecLimits(config.limits().maxMessageBytes(), config.limits().maxDepth()));
        DemoCseHttpServer server;
        try {
            server = DemoCseHttpServer.start(cse, codecs, LOOPBACK, 0);
        } catch (RuntimeException e) {
            cse.close();
            throw new IllegalStateException("demo CSE cannot start: " + FailureWords.describe(e), e);
        }
        String url = "http://" + LOOPBACK + ":" + server.port();
        LOG.warn("DEMO MODE: demo CSE stand-in {} (a DEMO peer, not a CSE) at {}; upstream '{}' now points there",
                upstream.cseId(), url, upstream.name());
        return new InProcessDemoPeers(cse, server, pointedAt(config, upstream, url));
    }

    @Override
    public BridgeConfig bridgeConfig() {
        return bridgeConfig;
    }

    /**
     * Runs the scripted demo AE against the bridge's WebSocket listener on its own thread (every wait in it is
     * bounded), printing its steps to {@code out}. The bridge keeps running after it.
     */
    @Override
    public void runAe(Map<String, URI> listeners, PrintStream out) {
        URI ws = listeners.get("ws");
        if (ws == null) {
            throw new IllegalStateException("demo mode needs the ws binding (binding-ws jar in lib/), which is not installed");
        }
        LOG.warn("DEMO MODE: starting the scripted demo AE (a DEMO peer) against {}", ws);
        Thread ae = new Thread(() -> {
            try {
                DemoAeResult result = new DemoAe(DemoAe.Options.defaults(), line -> {
                    out.println(line);
                    out.flush();
                }).run(ws);
                if (result.success()) {
                    LOG.info("DEMO MODE: demo AE finished: registered, notified on its own WebSocket");
                } else {
                    LOG.warn("DEMO MODE: demo AE did not complete its script: {}", result.steps());
                }
                aeResult.complete(result);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                aeResult.cancel(false);
            } catch (RuntimeException e) {
                LOG.error("DEMO MODE: demo AE failed", e);
                aeResult.completeExceptionally(e);
            }
        }, "demo-ae");
        ae.setDaemon(true);
        ae.start();
    }

    /** Completes with the {@link DemoAeResult} when the demo AE's script has run (for tests and the log). */
    @Override
    public CompletableFuture<DemoAeResult> aeResult() {
        return aeResult;
    }

    /** The upstream the demo CSE stands in for: the default route's, else the first. */
    static UpstreamConfig demoUpstream(BridgeConfig config) {
        if (config.upstreams().isEmpty()) {
            throw new IllegalStateException("demo mode needs one upstream in the configuration to point at the demo CSE");
        }
        return config.upstreams().stream().filter(u -> u.name().equals(config.routes().defaultUpstream()))
                .findFirst().orElse(config.upstreams().get(0));
    }

    /** {@code config} with {@code upstream} reached over HTTP at {@code url} instead of its configured address. */
    static BridgeConfig pointedAt(BridgeConfig config, UpstreamConfig upstream, String url) {
        List<UpstreamConfig> upstreams = new ArrayList<>(config.upstreams());
        upstreams.replaceAll(u -> u != upstream ? u : new UpstreamConfig(u.name(), "http", url,
                u.cseId(), u.spId(), u.serialization(), u.timeout(), u.cseName(), reachingBack(u.keys())));
        return config.withUpstreams(upstreams).validate();
    }

    /**
     * {@code keys} without the http binding's {@code notifications} opt-out: the upstream pointed at the demo CSE
     * takes that binding's default (the demo CSE notifies the entities) whatever the configured one said.
     */
    private static Map<String, Object> reachingBack(Map<String, Object> keys) {
        Map<String, Object> out = new LinkedHashMap<>(keys);
        out.remove("notifications");
        return out;
    }

    @Override
    public void close() {
        cseServer.close();
        cse.close();
    }
}
