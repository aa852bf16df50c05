package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.http.config.HttpConfiguration;
import org.m2mbridge.http.config.HttpUpstreamSettings;
import org.m2mbridge.mqtt.config.MqttUpstreamSettings;
import org.m2mbridge.ws.config.WsConfiguration;

/** The shipped configuration files (repository root {@code config/}) load and validate with the strict loader. */
class ConfigFilesTest {
    static final Path CONFIG = Path.of(System.getProperty("m2mbridge.repoRoot", "..")).resolve("config");

    @Test
    void bridgeYamlLoadsWithTheDocumentedValues() {
        BridgeConfig c = ConfigLoader.load(CONFIG.resolve("bridge.yaml"));
        assertEquals(8180, WsConfiguration.plainListener(c).port());
        assertEquals(8280, HttpConfiguration.cseListener(c).port());
        assertEquals(9180, c.listeners().admin().port());
        assertEquals(1, c.upstreams().size());
        assertEquals("in-cse", c.upstreams().get(0).name());
        assertEquals("http", c.upstreams().get(0).binding());
        assertEquals(Serialization.JSON, c.upstreams().get(0).serializationFormat());
        assertEquals("in-cse", c.routes().defaultUpstream());
        assertEquals(Duration.ofSeconds(3), c.timeouts().shutdownGrace());
        assertFalse(c.demo().enabled());
    }

    /** Each installed binding declares its device listeners; the message names them all, in the bindings' order. */
    @Test
    void withoutAnyDeviceListenerEveryInstalledOneIsNamed() {
        String m = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("listeners: { admin: { port: 0 } }\n")).getMessage();
        assertTrue(m.contains("listeners.ws: is required (or listeners.wss, listeners.deviceHttp, "
                + "listeners.deviceMqtt)"), m);
    }

    /** The TLS and dialect rules name what the installed bindings declare: with every binding, as before issue 17. */
    @Test
    void theListenerRulesNameEveryInstalledBindingsListeners() {
        String dialect = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "listeners: { ws: { port: 0 }, admin: { port: 0, dialect: { defaultRvi: \"3\" } } }\n")).getMessage();
        assertTrue(dialect.contains("listeners.admin.dialect: only device listeners (ws, wss, deviceHttp, deviceMqtt)"
                + " take a dialect"), dialect);
        String tls = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "listeners: { ws: { port: 0 }, deviceHttp: { port: 0, tls: { keyStore: k.p12 } } }\n")).getMessage();
        assertTrue(tls.contains("listeners.deviceHttp.tls: this listener is plain; put TLS on listeners.wss"), tls);
    }

    /** The HTTP binding's rule on another binding's upstream (moved from binding-mqtt's MqttConfigurationTest). */
    @Test
    void notificationsOnlyApplyToBindingHttp() {
        String m = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                listeners: { http: { port: 0 }, deviceMqtt: { broker: tcp://127.0.0.1:1883, receivers: [/id-in] } }
                upstreams:
                  - { name: in-cse, binding: http, url: http://127.0.0.1:8080, cseId: /id-in }
                  - { name: b, binding: mqtt, broker: "tcp://h:1883", cseId: /id-b, notifications: false }
                """)).getMessage();
        assertTrue(m.contains("upstreams[1].notifications: only applies to binding http"), m);
    }

    @Test
    void demoYamlLoadsWithDemoOnAndEphemeralPorts() {
        BridgeConfig c = ConfigLoader.load(CONFIG.resolve("demo.yaml"));
        assertTrue(c.demo().enabled());
        assertEquals(0, WsConfiguration.plainListener(c).port());
        assertEquals(0, HttpConfiguration.cseListener(c).port());
        assertEquals(0, c.listeners().admin().port());
        assertEquals(c.routes().defaultUpstream(), c.upstreams().get(0).name());
        assertFalse(c.store().durable(), "the demo writes nothing to disk");
    }

    /**
     * The optional keys bridge.yaml documents as comments (upstream tuning, route rules, mqtt.dataDir) are real keys:
     * uncommented, the file still loads.
     */
    @Test
    void keysDocumentedAsCommentsAreRealKeys() throws IOException {
        List<String> lines = Files.readAllLines(CONFIG.resolve("bridge.yaml"));
        List<String> uncommented = new ArrayList<>();
        int changed = 0;
        for (String line : lines) {
            // "    # timeout: 30s", "    #   maxConnections: 64", "  # rules:", "  #   - { prefix: ... }"
            String t = line.replaceFirst("^(\\s*)# ((\\s*)([a-zA-Z]+:( |$)|- \\{))", "$1$2");
            boolean optionalKey = !t.equals(line) && !line.matches("^\\s*# (name|cseId|spId|serialization|default|"
                    + "rules: first|Each listener|Durations)\\b.*") && !line.startsWith("#");
            if (optionalKey) {
                uncommented.add(t.replaceFirst("\\s+#.*$", ""));
                changed++;
            } else {
                uncommented.add(line);
            }
        }
        assertTrue(changed >= 20, "found the commented keys: " + changed);
        BridgeConfig c = ConfigLoader.parse(String.join("\n", uncommented));
        assertEquals(64, HttpUpstreamSettings.of(c.upstreams().get(0)).maxConnections());
        assertEquals("1.1", HttpUpstreamSettings.of(c.upstreams().get(0)).httpVersion());
        assertEquals("C::bridge-in-cse", MqttUpstreamSettings.of(c.upstreams().get(0)).clientId());
        assertEquals(Duration.ofSeconds(30), c.upstreams().get(0).timeout());
        assertEquals("/id-mn", c.routes().rules().get(0).prefix());
    }
}
