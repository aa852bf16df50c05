package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;

/** The key-by-key diff behind a reload's "applied" and "needs a restart" lists. */
class ConfigReloadKeysTest {
    private static final String BASE = """
            listeners:
              ws:    { host: 127.0.0.1, port: 8180 }
              admin: { host: 127.0.0.1, port: 9180 }
            upstreams:
              - { name: in-cse, binding: http, url: "http://127.0.0.1:8080", cseId: /id-in, notifications: false }
            routes: { default: in-cse }
            """;

    private static BridgeConfig parse(String yaml) {
        return ConfigLoader.parse(yaml).validate();
    }

    @Test
    void changedKeysAreNamedDownToTheValueThatChanged() {
        BridgeConfig a = parse(BASE);
        BridgeConfig b = parse(BASE.replace("port: 8180", "port: 8181") + "limits: { maxConnections: 10 }\n"
                + "timeouts: { request: 5s }\n");
        assertEquals(List.of("listeners.ws.port", "timeouts.request", "limits.maxConnections"),
                ConfigReload.changedKeys("", a, b));
        assertEquals(List.of(), ConfigReload.changedKeys("", a, parse(BASE)), "an identical file changes nothing");
    }

    @Test
    void aKeyBelowAReloadableOneIsReloadableAsThatOne() {
        assertEquals(Optional.of("routes"), ConfigReload.reloadableAs("routes.defaultUpstream"));
        assertEquals(Optional.of("upstreams"), ConfigReload.reloadableAs("upstreams"));
        assertEquals(Optional.of("limits.maxConnections"), ConfigReload.reloadableAs("limits.maxConnections"));
        assertEquals(Optional.empty(), ConfigReload.reloadableAs("limits.maxMessageBytes"));
        assertEquals(Optional.empty(), ConfigReload.reloadableAs("listeners.wss.port"));
        assertEquals(Optional.of("listeners.wss.tls.keyStore"), ConfigReload.reloadableAs("listeners.wss.tls.keyStore"));
        assertEquals(Optional.empty(), ConfigReload.reloadableAs("listeners.wss.tls.clientAuth"));
    }
}
