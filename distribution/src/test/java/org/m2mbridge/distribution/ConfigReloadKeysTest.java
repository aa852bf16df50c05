package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.InstalledBindings;

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

    /** Core's reloadable keys and those the installed bindings declare (the ws binding's identities and wss files). */
    @Test
    void aKeyBelowAReloadableOneIsReloadableAsThatOne() {
        Set<String> keys = ConfigReload.reloadable(InstalledBindings.on(getClass().getClassLoader()));
        assertEquals(Optional.of("routes"), ConfigReload.reloadableAs("routes.defaultUpstream", keys));
        assertEquals(Optional.of("upstreams"), ConfigReload.reloadableAs("upstreams", keys));
        assertEquals(Optional.of("limits.maxConnections"), ConfigReload.reloadableAs("limits.maxConnections", keys));
        assertEquals(Optional.empty(), ConfigReload.reloadableAs("limits.maxMessageBytes", keys));
        assertEquals(Optional.empty(), ConfigReload.reloadableAs("listeners.wss.port", keys));
        assertEquals(Optional.of("listeners.wss.tls.keyStore"),
                ConfigReload.reloadableAs("listeners.wss.tls.keyStore", keys));
        assertEquals(Optional.empty(), ConfigReload.reloadableAs("listeners.wss.tls.clientAuth", keys));
        assertEquals(Optional.of("ws.identities"), ConfigReload.reloadableAs("ws.identities", keys));
        assertEquals(Optional.empty(), ConfigReload.reloadableAs("ws.identities",
                ConfigReload.reloadable(InstalledBindings.NONE)), "the ws binding's key, declared by it");
    }
}
