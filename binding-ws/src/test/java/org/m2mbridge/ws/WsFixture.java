package org.m2mbridge.ws;

import java.net.URI;
import java.time.Duration;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

/** A running {@link WsBinding} on an ephemeral loopback port in front of a {@link ScriptedUpstream}. */
public final class WsFixture implements AutoCloseable {
    final ScriptedUpstream upstream = new ScriptedUpstream("in", "/id-in");
    final TestBus bus;
    final WsBinding binding = new WsBinding();
    final BridgeConfig config;
    /** The plain ws listener, null without one. */
    final URI uri;
    /** The TLS listener, null without one. */
    final URI wss;

    WsFixture() throws Exception {
        this("");
    }

    /** {@code extraYaml}: more top-level sections, e.g. {@code "ws:\n  deflate: false\n"}. */
    WsFixture(String extraYaml) throws Exception {
        this("  ws:\n    host: 127.0.0.1\n    port: 0\n", extraYaml);
    }

    /** {@code listenerYaml}: the entries under {@code listeners:} (indented two spaces). */
    WsFixture(String listenerYaml, String extraYaml) throws Exception {
        config = ConfigLoader.parse("listeners:\n" + listenerYaml + extraYaml);
        bus = new TestBus(Duration.ofSeconds(10), upstream);
        Codecs codecs = new Codecs(new CodecLimits(config.limits().maxMessageBytes(), config.limits().maxDepth()));
        binding.start(new BridgeContext(config, bus.bus, codecs, bus.metrics, bus.timer));
        uri = binding.boundListeners().get("ws");
        wss = binding.boundListeners().get("wss");
    }

    RawWsClient raw() throws Exception {
        return RawWsClient.connect(uri);
    }

    /** A raw client that completed a handshake for {@code subprotocol}. */
    RawWsClient open(String subprotocol, String... headers) throws Exception {
        RawWsClient c = raw();
        RawWsClient.HttpHead head = c.upgrade(subprotocol, headers);
        if (head.status() != 101) {
            c.close();
            throw new AssertionError("handshake refused: " + head.statusLine() + " " + head.body());
        }
        return c;
    }

    double metric(String name, String... labelPairs) {
        return Metrics.value(bus.metrics.registry(), name, labelPairs);
    }

    @Override
    public void close() {
        binding.stop(Duration.ofSeconds(1));
        bus.close();
    }
}
