package org.m2mbridge.ws.client;

import java.time.Duration;
import java.util.List;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.testing.TestBus;

/** "Bus A": a test bus whose one upstream {@code b} is a {@link WsUpstream} to {@code url}, already started. */
public final class ClientBus implements AutoCloseable {
    public final TestBus bus;
    public final WsUpstream upstream;

    /** {@code wsYaml}: lines under {@code upstreams[0].ws}, indented six spaces; may be empty. */
    public ClientBus(String url, String wsYaml) {
        this(url, wsYaml, List.of());
    }

    /** As above, with {@code registered} in the registry before the upstream starts (as after a restart). */
    public ClientBus(String url, String wsYaml, List<Registration> registered) {
        String yaml = "listeners:\n  ws:\n    port: 0\nupstreams:\n  - name: b\n    binding: ws\n    url: " + url
                + "\n    cseId: /id-in\n" + (wsYaml.isEmpty() ? "" : "    ws:\n" + wsYaml);
        UpstreamConfig config = ConfigLoader.parse(yaml).upstreams().get(0);
        bus = new TestBus(Duration.ofSeconds(10), StoreSettings.IN_MEMORY.withEnabled(false));
        registered.forEach(bus.registry::put);
        upstream = new WsUpstream(config, bus.bus, new Codecs(CodecLimits.DEFAULT), bus.metrics, bus.timer,
                1024 * 1024);
        bus.bus.addUpstream(upstream);
        upstream.start();
    }

    @Override
    public void close() {
        upstream.stop();
        bus.close();
    }
}
