package org.m2mbridge.http.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.core.config.ListenerLimits;
import org.m2mbridge.core.config.Preflight;
import org.m2mbridge.core.testing.ConfigRefusal;
import org.m2mbridge.core.testing.FoundationFile;

/**
 * The HTTP binding's keys ({@code http:}, {@code listeners.http}, {@code listeners.deviceHttp}, an upstream's
 * {@code http:} and {@code notifications}), owned by this binding and read by core's strict loader (moved here from
 * core's ConfigLoaderTest, ConfigMessagesTest and PreflightTest with the keys, issue 17 item 1): same keys, same
 * messages.
 */
class HttpConfigurationTest {
    /** The minimal file of the foundation issue, verbatim. */
    private static final String MINIMAL = FoundationFile.MINIMAL;
    private static final String HEAD = """
            listeners:
              ws:
                host: 127.0.0.1
                port: 8180
            """;

    @TempDir
    Path dir;

    private static void assertNames(String yaml, String key) {
        String m = ConfigRefusal.of(yaml);
        assertTrue(m.contains(key), "expected '" + key + "' in: " + m);
    }

    @Test
    void theMinimalFileLoadsWithDefaults() {
        BridgeConfig c = ConfigLoader.parse(MINIMAL);
        assertEquals("127.0.0.1", HttpConfiguration.cseListener(c).host());
        assertEquals(8280, HttpConfiguration.cseListener(c).port());
        assertEquals(64, HttpUpstreamSettings.of(c.upstreams().get(0)).maxConnections());
        assertEquals("/notify", HttpSettings.of(c).notificationPath());
    }

    @Test
    void aBadPortIsNamed() {
        String m = ConfigRefusal.of(MINIMAL.replace("port: 8280", "port: 70000"));
        assertTrue(m.contains("listeners.http.port") && m.contains("0..65535"), m);
        String n = ConfigRefusal.of(MINIMAL.replace("port: 8280", "port: eighty"));
        assertTrue(n.contains("listeners.http.port"), n);
    }

    @Test
    void aBridgeForHttpDevicesNeedsNoWebSocketListener() {
        String noWs = MINIMAL.replace("ws:    { host: 127.0.0.1, port: 8180 }",
                "deviceHttp: { host: 127.0.0.1, port: 8380 }");
        BridgeConfig c = ConfigLoader.parse(noWs);
        assertEquals(null, c.listeners().get("ws", Object.class));
        assertEquals(8380, HttpConfiguration.deviceListener(c).port());
        String m = ConfigRefusal.of(MINIMAL.replace("ws:    { host: 127.0.0.1, port: 8180 }", ""));
        assertTrue(m.contains("listeners.ws: is required (or listeners.wss, listeners.deviceHttp)"), m);
    }

    /** An HTTP upstream's {@code url} is this binding's to check (moved from core); the messages are the same. */
    @Test
    void anHttpUpstreamsUrlIsChecked() {
        ConfigRefusal.says(MINIMAL.replace("url: http://127.0.0.1:8080", "url: http://127.0.0.1:80800"),
                "upstreams[0].url: port 80800 is out of range 1..65535");
        ConfigRefusal.says(MINIMAL.replace("url: http://127.0.0.1:8080", "url: ws://127.0.0.1:8080"),
                "upstreams[0].url: must start with http://, https://, e.g. http://127.0.0.1:8080; got "
                        + "'ws://127.0.0.1:8080'");
        ConfigRefusal.says(MINIMAL.replaceFirst("(?m)^    url: .*\n", ""),
                "upstreams[0].url: is required, e.g. http://127.0.0.1:8080");
    }

    /** listeners.http is plain and not for devices; the messages name the listeners the installed bindings declare. */
    @Test
    void theCseListenerIsPlainAndNotForDevices() {
        ConfigRefusal.says(MINIMAL.replace("port: 8280 }", "port: 8280, dialect: { defaultRvi: \"3\" } }"),
                "listeners.http.dialect: only device listeners (ws, wss, deviceHttp) take a dialect");
        ConfigRefusal.says(MINIMAL.replace("port: 8280 }", "port: 8280, tls: { keyStore: k.p12 } }"),
                "listeners.http.tls: this listener is plain; put TLS on listeners.wss");
    }

    @Test
    void anHttpUpstreamWithoutTheInboundListenerIsRefusedUnlessItSaysItNeverNotifies() {
        String noInbound = MINIMAL.replaceFirst("(?m)^  http: .*\n", "");
        assertTrue(!noInbound.contains("port: 8280"), noInbound);
        String m = ConfigRefusal.of(noInbound);
        assertTrue(m.contains("upstreams[0]") && m.contains("binding http") && m.contains("listeners.http"), m);
        assertTrue(m.contains("upstreams[0].notifications: upstream 'in-cse' (upstreams[0], binding http) can only"
                + " send notifications to entities behind the bridge through listeners.http, which is not configured:"
                + " add listeners.http, or set upstreams[0].notifications: false"), m);
        BridgeConfig optOut = ConfigLoader.parse(noInbound.replace("serialization: json ",
                "notifications: false\n    serialization: json "));
        assertEquals(false, HttpConfiguration.notifications(optOut.upstreams().get(0)));
        assertEquals(true, HttpConfiguration.notifications(ConfigLoader.parse(MINIMAL).upstreams().get(0)));
        assertNames(MINIMAL.replace("binding: http ", "binding: ws ")
                .replace("url: http://127.0.0.1:8080", "url: ws://127.0.0.1:8180/")
                .replace("serialization: json ", "notifications: false\n    serialization: json "),
                "upstreams[0].notifications: only applies to binding http");
    }

    @Test
    void httpListenerLimitsHaveDefaultsAndAreRead() {
        assertEquals(new ListenerLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), 4096, 1024),
                HttpSettings.of(ConfigLoader.parse(MINIMAL)).listenerLimits());
        BridgeConfig set = ConfigLoader.parse(MINIMAL
                + "http: { headerTimeout: 5s, idleTimeout: 2m, maxConnections: 100, maxConnectionsPerAddress: 10 }\n");
        assertEquals(new ListenerLimits(Duration.ofSeconds(5), Duration.ofMinutes(2), 100, 10),
                HttpSettings.of(set).listenerLimits());
    }

    @Test
    void badListenerLimitsNameTheKey() {
        assertNames(MINIMAL + "http: { headerTimeout: 0s }\n", "http.headerTimeout");
        assertNames(MINIMAL + "http: { idleTimeout: 0s }\n", "http.idleTimeout");
        assertNames(MINIMAL + "http: { maxConnections: 0 }\n", "http.maxConnections");
        assertNames(MINIMAL + "http: { maxConnections: 10, maxConnectionsPerAddress: 11 }\n",
                "http.maxConnectionsPerAddress");
    }

    @Test
    void theCseListenerTakesNoDialect() {
        assertNames(MINIMAL.replace("port: 8280 }", "port: 8280, dialect: { defaultRvi: \"3\" } }"),
                "listeners.http.dialect");
    }

    /** As core's ConfigMessagesTest says them for core's keys. */
    @Test
    void theListenersMessagesNameTheirKeyAndLine() {
        String unknown = ConfigRefusal.of(HEAD + "  http: { port: 1, timeouts: 5s }\n");
        assertTrue(unknown.contains("listeners.http.timeouts: unknown key (line 5)"), unknown);
        String flow = ConfigRefusal.of(HEAD + "  http: { port: 1, host: 127.0.0.1, port: 2 }\n");
        assertTrue(flow.contains("listeners.http.port: appears twice in the same section (line 5)"), flow);
        String list = ConfigRefusal.of(HEAD + "  http: { port: [8280] }\n");
        assertTrue(list.contains("listeners.http.port: expected a whole number, found a list (line 5)"), list);
        String word = ConfigRefusal.of(HEAD + "  http: { port: eighty }\n");
        assertTrue(word.contains("expected a whole number, found the text 'eighty'"), word);
    }

    @Test
    void anUpstreamsMissingTrustStoreIsNamedBeforeTheStart() {
        BridgeConfig c = ConfigLoader.parse("""
                listeners: { ws: { port: 0 } }
                upstreams:
                  - name: a
                    binding: http
                    url: https://127.0.0.1:8443
                    cseId: /id-in
                    notifications: false
                    http: { tls: { trustStore: %s } }
                """.formatted(dir.resolve("ca.pem")));
        String upstream = assertThrows(ConfigException.class, () -> Preflight.check(c,
                InstanceLayout.of(Map.of(InstanceLayout.HOME, dir.toString())))).getMessage();
        assertTrue(upstream.startsWith("upstreams[0].http.tls.trustStore:"), upstream);
    }
}
