package org.m2mbridge.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.testing.FoundationFile;

/**
 * Core's keys. The minimal file of the foundation issue, verbatim, and the HTTP binding's keys in it
 * ({@code listeners.http}, an upstream's {@code http:} and {@code notifications}) are binding-http's
 * HttpConfigurationTest, where that binding is installed (issue 17 item 1).
 */
class ConfigLoaderTest {
    /** The minimal file of the foundation issue without the HTTP binding's listener. */
    static final String MINIMAL = FoundationFile.WITHOUT_HTTP_LISTENER;

    @Test
    void theMinimalFileLoadsWithDefaults() {
        BridgeConfig c = ConfigLoader.parse(MINIMAL);
        assertEquals(8180, c.listeners().get("ws", ListenerConfig.class).port());
        assertEquals("127.0.0.1", c.listeners().admin().host());
        assertEquals("http", c.upstreams().get(0).binding());
        assertEquals("/id-in", c.upstreams().get(0).cseId());
        assertEquals("in-cse", c.routes().defaultUpstream());
        assertEquals(Duration.ofSeconds(30), c.timeouts().request());
    }

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml)).getMessage();
    }

    @Test
    void anUnknownKeyIsNamedWithItsPathAndLine() {
        String m = error(MINIMAL.replace("ws:    { host: 127.0.0.1, port: 8180 }", "ws: { host: 127.0.0.1, prot: 8180 }"));
        assertTrue(m.contains("listeners.ws.prot") && m.contains("unknown key") && m.contains("line 2"), m);
        assertTrue(m.contains("port"), "lists the known keys: " + m);
    }

    @Test
    void aDurationWithoutUnitIsRefusedNamingTheKeyAndTheAcceptedForms() {
        for (String bare : new String[] {"30", "\"30\"", "' 250 '"}) {
            String m = error(MINIMAL + "timeouts: { request: " + bare + " }\n");
            assertTrue(m.contains("timeouts.request") && m.contains("no unit") && m.contains("30s")
                    && m.contains("500ms"), bare + " -> " + m);
        }
        assertEquals(Duration.ofSeconds(30), ConfigLoader.parse(MINIMAL + "timeouts: { request: 30s }\n")
                .timeouts().request());
    }

    @Test
    void aBadPortIsNamed() {
        String m = error(MINIMAL.replace("port: 9180", "port: 70000"));
        assertTrue(m.contains("listeners.admin.port") && m.contains("0..65535"), m);
        String n = error(MINIMAL.replace("port: 9180", "port: eighty"));
        assertTrue(n.contains("listeners.admin.port"), n);
    }

    private static void assertNames(String yaml, String key) {
        String m = error(yaml);
        assertTrue(m.contains(key), "expected '" + key + "' in: " + m);
    }

    @Test
    void semanticErrorsNameTheKey() {
        assertNames(MINIMAL.replace("default: in-cse", "default: nowhere"), "routes.default");
        assertNames(MINIMAL.replace("binding: http ", "binding: smtp "), "upstreams[0].binding");
        assertNames(MINIMAL.replace("serialization: json", "serialization: yaml"), "upstreams[0].serialization");
        assertNames(MINIMAL.replace("cseId: /id-in", "cseId: id-in"), "upstreams[0].cseId");
        assertNames(MINIMAL.replaceFirst("(?m)^    url: .*\n", ""), "upstreams[0].url: is required");
        assertNames(MINIMAL + "timeouts: { request: soon }\n", "timeouts.request");
        assertNames("", "empty");
        assertNames("listeners: 'unterminated\n", "not valid YAML");
    }

    @Test
    void adminListenerLimitsHaveDefaultsAndAreRead() {
        BridgeConfig c = ConfigLoader.parse(MINIMAL);
        assertEquals(new ListenerLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), 64, 32),
                c.admin().listenerLimits());
        BridgeConfig set = ConfigLoader.parse(MINIMAL
                + "admin: { headerTimeout: 500ms, idleTimeout: 5s, maxConnections: 8, maxConnectionsPerAddress: 4 }\n");
        assertEquals(new ListenerLimits(Duration.ofMillis(500), Duration.ofSeconds(5), 8, 4),
                set.admin().listenerLimits());
    }

    @Test
    void badListenerLimitsNameTheKey() {
        assertNames(MINIMAL + "admin: { headerTimeout: 0s }\n", "admin.headerTimeout");
        assertNames(MINIMAL + "admin: { maxConnectionsPerAddress: 0 }\n", "admin.maxConnectionsPerAddress");
        assertNames(MINIMAL + "admin: { maxConnections: 16, maxConnectionsPerAddress: 17 }\n",
                "admin.maxConnectionsPerAddress");
        assertEquals(16, ConfigLoader.parse(MINIMAL + "admin: { maxConnections: 16 }\n").admin()
                .maxConnectionsPerAddress(), "the per-address default follows a lower maxConnections");
    }

    @Test
    void deviceDialectsAreReadPerDeviceListenerAndValidated() {
        BridgeConfig c = ConfigLoader.parse(MINIMAL.replace("cseId: /id-in", "cseId: /id-in\n    cseName: cse-in")
                .replace("port: 8180 }", "port: 8180, dialect: { defaultRvi: \"2a\", slashedCseBaseName: true, "
                        + "defaultSrv: [\"2a\"] } }"));
        DeviceDialect d = c.listeners().get("ws", ListenerConfig.class).dialect();
        assertEquals("2a", d.defaultRvi());
        assertTrue(d.slashedCseBaseName());
        assertEquals(java.util.List.of("2a"), d.defaultSrv());
        assertEquals("cse-in", c.upstreams().get(0).cseName());
        assertTrue(ConfigLoader.parse(MINIMAL).listeners().get("ws", ListenerConfig.class).dialect().isEmpty(),
                "off by default");

        assertNames(MINIMAL.replace("port: 8180 }", "port: 8180, dialect: { slashedCseBaseName: true } }"),
                "listeners.ws.dialect.slashedCseBaseName");
        assertNames(MINIMAL.replace("port: 8180 }", "port: 8180, dialect: { defaultRvi: R2 } }"),
                "listeners.ws.dialect.defaultRvi");
        assertNames(MINIMAL.replace("port: 8180 }", "port: 8180, dialect: { defaultSrv: [\"3\", 4.5] } }"),
                "listeners.ws.dialect.defaultSrv[1]");
        assertNames(MINIMAL.replace("port: 9180 }", "port: 9180, dialect: { defaultRvi: \"3\" } }"),
                "listeners.admin.dialect");
        assertNames(MINIMAL.replace("cseId: /id-in", "cseId: /id-in\n    cseName: /cse-in"), "upstreams[0].cseName");
    }

    /**
     * Which listener is required, which takes TLS and which a dialect, named from what the installed bindings
     * declare (here core's stand-ins for the WebSocket and HTTP bindings; with every shipped binding:
     * distribution's ConfigFilesTest).
     */
    @Test
    void listenerRulesNameTheListenersTheInstalledBindingsDeclare() {
        assertNames(MINIMAL.replaceFirst("(?m)^  ws: .*\n", ""), "listeners.ws: is required (or listeners.wss)");
        assertNames(MINIMAL.replace("port: 9180 }", "port: 9180, dialect: { defaultRvi: \"3\" } }"),
                "listeners.admin.dialect: only device listeners (ws, wss) take a dialect");
        assertNames(MINIMAL.replace("port: 8180 }", "port: 8180, tls: { keyStore: k.p12 } }"),
                "listeners.ws.tls: this listener is plain; put TLS on listeners.wss");
        assertNames(MINIMAL.replace("ws:    {", "wss:   {"), "listeners.wss.tls: is required on a TLS listener");
        String none = assertThrows(ConfigException.class, () -> ConfigLoader.parse("listeners: { admin: { port: 0 } }\n",
                InstalledBindings.NONE)).getMessage();
        assertTrue(none.contains("listeners: no installed binding declares a device listener"), none);
    }

    @Test
    void durationsReadTheWayOperatorsWriteThem() {
        assertEquals(Duration.ofMillis(500), ConfigLoader.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(30), ConfigLoader.parseDuration("30s"));
        assertEquals(Duration.ofMinutes(5), ConfigLoader.parseDuration("5m"));
        assertEquals(Duration.ofHours(1), ConfigLoader.parseDuration("1h"));
        assertEquals(Duration.ofSeconds(30), ConfigLoader.parseDuration("PT30S"));
        assertEquals(null, ConfigLoader.parseDuration("250"), "a bare number has no unit");
        assertEquals(null, ConfigLoader.parseDuration("fast"));
    }

    @Test
    void theMemoryBudgetLimitsHaveDefaultsAndAreValidated() {
        LimitsConfig limits = ConfigLoader.parse(MINIMAL).limits();
        assertEquals(0L, limits.inboundBudgetBytes(), "0 = sized from the JVM's memory");
        assertEquals(64 * 1024, limits.unregisteredMessageBytes());
        assertEquals(Duration.ofSeconds(30), limits.messageAssemblyTimeout());
        assertEquals(64 * 1024, limits.messageBytesFor(false));
        assertEquals(1024 * 1024, limits.messageBytesFor(true));
        assertNames(MINIMAL + "limits:\n  inboundBudgetBytes: 1000\n", "limits.inboundBudgetBytes");
        assertNames(MINIMAL + "limits:\n  inboundBudgetBytes: -1\n", "limits.inboundBudgetBytes");
        assertNames(MINIMAL + "limits:\n  unregisteredMessageBytes: 0\n", "limits.unregisteredMessageBytes");
        assertNames(MINIMAL + "limits:\n  messageAssemblyTimeout: 0s\n", "limits.messageAssemblyTimeout");
        LimitsConfig small = ConfigLoader.parse(MINIMAL + "limits:\n  maxMessageBytes: 4096\n").limits();
        assertEquals(4096, small.messageBytesFor(false), "never more than maxMessageBytes");
    }
}
