package org.m2mbridge.ws.client;

import java.net.URI;
import java.time.Duration;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;
import org.m2mbridge.ws.WsBinding;

/**
 * Two buses joined by a real WebSocket: bus B runs a {@link WsBinding} server in front of a {@link ScriptedUpstream}
 * ("the CSE"); bus A has a {@link WsUpstream} pointed at B's listener (the bridge as WS client, TS-0020 T1).
 */
final class WsPair implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);

    final ScriptedUpstream cse = new ScriptedUpstream("in", "/id-in");
    final TestBus busB;
    final WsBinding serverB = new WsBinding();
    final URI uriB;
    final Codecs codecs;
    ClientBus clientA;
    TestBus busA;
    WsUpstream upstreamA;

    WsPair() throws Exception {
        this("");
    }

    /** {@code serverYaml}: more top-level sections for B, e.g. {@code "ws:\n  deflate: false\n"}. */
    WsPair(String serverYaml) throws Exception {
        BridgeConfig configB = ConfigLoader.parse("listeners:\n  ws:\n    host: 127.0.0.1\n    port: 0\n" + serverYaml);
        busB = new TestBus(Duration.ofSeconds(10), cse);
        codecs = new Codecs(new CodecLimits(configB.limits().maxMessageBytes(), configB.limits().maxDepth()));
        serverB.start(new BridgeContext(configB, busB.bus, codecs, busB.metrics, busB.timer));
        uriB = serverB.boundListeners().get("ws");
    }

    /**
     * Starts bus A with a ws upstream to B; {@code wsYaml}: lines under {@code upstreams[0].ws} (indented six
     * spaces), may be empty.
     */
    WsPair clientSide(String wsYaml) {
        return clientSide(uriB.toString(), wsYaml);
    }

    WsPair clientSide(String url, String wsYaml) {
        clientA = new ClientBus(url, wsYaml);
        busA = clientA.bus;
        upstreamA = clientA.upstream;
        return this;
    }

    @Override
    public void close() {
        if (clientA != null) {
            clientA.close();
        }
        serverB.stop(Duration.ofSeconds(1));
        busB.close();
    }
}
