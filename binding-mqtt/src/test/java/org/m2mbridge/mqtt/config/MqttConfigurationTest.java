package org.m2mbridge.mqtt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.core.config.Preflight;
import org.m2mbridge.core.testing.ConfigRefusal;

/**
 * The MQTT binding's keys through core's strict loader: {@code listeners.deviceMqtt} and an upstream's
 * {@code broker}, moved here from core's ConfigLoaderTest and ConfigMessagesTest with the keys (issue 17 item 1).
 */
class MqttConfigurationTest {
    @TempDir
    Path dir;

    private static final String MINIMAL = """
            listeners:
              admin: { host: 127.0.0.1, port: 9180 }
              deviceMqtt: { broker: tcp://127.0.0.1:1883, receivers: [/id-in] }
            upstreams:
              - name: in-cse
                binding: http
                url: http://127.0.0.1:8080
                cseId: /id-in
            """;

    @Test
    void aBridgeForMqttDevicesNeedsNoWebSocketListener() {
        BridgeConfig c = ConfigLoader.parse(MINIMAL);
        assertEquals(null, c.listeners().get("ws", Object.class));
        DeviceMqttConfig devices = DeviceMqttConfig.of(c);
        assertEquals("tcp://127.0.0.1:1883", devices.broker());
        assertEquals(List.of("/id-in"), devices.receivers());
        String broker = ConfigRefusal.of(MINIMAL.replace("tcp://127.0.0.1:1883", "127.0.0.1"));
        assertTrue(broker.contains("listeners.deviceMqtt.broker"), broker);
        String receiver = ConfigRefusal.of(MINIMAL.replace("receivers: [/id-in]", "receivers: ['/id-in/+']"));
        assertTrue(receiver.contains("listeners.deviceMqtt.receivers[0]"), receiver);
        String none = ConfigRefusal.of(MINIMAL.replaceFirst("(?m)^  deviceMqtt: .*\n", ""));
        // this binding and the stand-ins for ws and http (src/test/installed-bindings); with every binding:
        // ConfigFilesTest (distribution)
        assertTrue(none.contains("listeners.ws: is required (or listeners.wss, listeners.deviceMqtt)"), none);
    }

    @Test
    void anUpstreamBrokerWithAnImpossiblePortNamesTheUpstreamsKey() {
        String m = ConfigRefusal.of(MINIMAL + "  - { name: b, binding: mqtt, broker: \"tcp://h:0\", cseId: /id-b }\n");
        assertTrue(m.contains("upstreams[1].broker: port 0 is out of range") && m.contains("(line 9)"), m);
        String missing = ConfigRefusal.of(MINIMAL + "  - { name: b, binding: mqtt, cseId: /id-b }\n");
        assertTrue(missing.contains("upstreams[1].broker: is required, e.g. tcp://127.0.0.1:1883"), missing);
    }

    /** Moved from core's PreflightTest with the key: a broker that does not resolve yet is a warning, retried. */
    @Test
    void preflightWarnsOfAnUnresolvableBrokerAndRefusesAnUnwritableDataDir() throws Exception {
        InstanceLayout layout = InstanceLayout.of(Map.of(InstanceLayout.HOME, dir.toString()));
        List<String> warnings = Preflight.check(ConfigLoader.parse(MINIMAL + "  - { name: b, binding: mqtt, "
                + "broker: \"tcp://broker.no-such-host.invalid:1883\", cseId: /id-mn }\n"), layout);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("upstreams[1].broker: host 'broker.no-such-host.invalid' does not "
                + "resolve"), warnings.toString());
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        String m = assertThrows(ConfigException.class, () -> Preflight.check(ConfigLoader.parse(MINIMAL
                + "mqtt: { dataDir: " + file.resolve("d") + " }\n"), layout)).getMessage();
        assertTrue(m.startsWith("mqtt.dataDir: " + file.resolve("d") + " cannot be created"), m);
    }
}
