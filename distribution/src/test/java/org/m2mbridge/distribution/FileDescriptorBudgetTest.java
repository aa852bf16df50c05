package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.limits.FileDescriptorBudget;
import org.m2mbridge.http.config.HttpConfiguration;
import org.m2mbridge.http.config.HttpSettings;

/**
 * How the descriptor limit is split between the listeners (docs/security.md, "File descriptors"), with the shares the
 * installed bindings declare (the HTTP listeners' bounded share, the WebSocket listeners taking the rest): here, where
 * every binding is installed (moved from core with the HTTP binding's keys, issue 17 item 1).
 */
class FileDescriptorBudgetTest {
    /** One HTTP upstream (pool of 64), ws, http and admin listeners, default limits. */
    private static final String YAML = """
            listeners:
              ws:    { port: 0 }
              http:  { port: 0 }
              admin: { port: 0 }
            upstreams:
              - { name: in-cse, binding: http, url: "http://127.0.0.1:8080", cseId: /id-in }
            routes: { default: in-cse }
            """;

    /** The share the HTTP binding declares for its two listeners. */
    private static final String HTTP = HttpConfiguration.LISTENER_SHARE;

    private static BridgeConfig config(String extra) {
        return ConfigLoader.parse(YAML + extra);
    }

    @Test
    void underASystemdLimitTheConfiguredLimitsStand() {
        FileDescriptorBudget b = FileDescriptorBudget.of(config(""), 65536);
        assertEquals(HttpSettings.of(config("")).listenerLimits(), b.share(HTTP));
        assertEquals(config("").admin().listenerLimits(), b.admin());
        assertEquals(65536 - 256 - 64 - (4096 + 32) - (64 + 32), b.restConnections(), "the devices get all the rest");
        assertTrue(b.warning().isEmpty(), b.warning().toString());
    }

    @Test
    void underAShellsLimitEveryListenerGetsItsShareAndTheWarningSaysSo() {
        FileDescriptorBudget b = FileDescriptorBudget.of(config(""), 1024);
        int usable = 1024 - 256 - 64; // the JVM's reserve and the upstream's pool
        int room = FileDescriptorBudget.REFUSAL_ROOM; // connections being refused hold a descriptor for a moment
        assertEquals(usable / 4 - room, b.share(HTTP).maxConnections());
        assertEquals(usable / 4 - room, b.share(HTTP).maxConnectionsPerAddress(), "never above the listener's own cap");
        assertEquals(usable / 16 - room, b.admin().maxConnections());
        assertEquals(usable - usable / 4 - usable / 16, b.restConnections());
        assertTrue(b.share(HTTP).maxConnections() + room + b.admin().maxConnections() + room + b.restConnections()
                <= usable, "the listeners together stay below the limit");
        String warning = b.warning().orElseThrow();
        assertTrue(warning.contains("1024") && warning.contains("http.maxConnections 4096")
                && warning.contains("admin.maxConnections 64") && warning.contains("limits.maxConnections 20000")
                && warning.contains("LimitNOFILE"), warning);
    }

    @Test
    void twoHttpListenersSplitTheHttpShare() {
        BridgeConfig c = ConfigLoader.parse(YAML.replace("admin: { port: 0 }",
                "admin: { port: 0 }\n  deviceHttp: { port: 0 }"));
        FileDescriptorBudget b = FileDescriptorBudget.of(c, 2048);
        int usable = 2048 - 256 - 64 - 64; // the device sender's pool too
        int room = FileDescriptorBudget.REFUSAL_ROOM;
        assertEquals(usable / 4 / 2 - room, b.share(HTTP).maxConnections());
        assertEquals(64, b.admin().maxConnections(), "its configured cap is below its share here");
        assertEquals(usable - 2 * (usable / 8) - (64 + room), b.restConnections());
    }

    @Test
    void configuredCapsBelowTheShareAreKept() {
        FileDescriptorBudget b = FileDescriptorBudget.of(config(
                "http: { maxConnections: 50, maxConnectionsPerAddress: 5 }\n"), 1024);
        assertEquals(50, b.share(HTTP).maxConnections());
        assertEquals(5, b.share(HTTP).maxConnectionsPerAddress());
    }

    @Test
    void anUnknownLimitLowersNothing() {
        FileDescriptorBudget b = FileDescriptorBudget.of(config(""), -1);
        assertEquals(4096, b.share(HTTP).maxConnections());
        assertEquals(Integer.MAX_VALUE, b.restConnections());
        assertTrue(b.warning().isEmpty());
    }

    @Test
    void thisProcessHasAKnownLimit() {
        assertTrue(FileDescriptorBudget.processLimit() > 0, "Linux reports it");
        assertTrue(FileDescriptorBudget.processOpen() > 0);
    }
}
