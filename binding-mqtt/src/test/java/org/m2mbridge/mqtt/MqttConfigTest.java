package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.mqtt.config.MqttSettings;
import org.m2mbridge.mqtt.config.MqttUpstreamSettings;

/** The binding's configuration keys through the real loader, and the client options they turn into. */
class MqttConfigTest {

    private static BridgeConfig load(String mqtt) {
        return ConfigLoader.parse("""
                listeners:
                  ws: {port: 0}
                upstreams:
                  - name: acme
                    binding: mqtt
                    broker: tcp://127.0.0.1:1883
                    cseId: /id-in
                %s
                """.formatted(mqtt.indent(4)));
    }

    @Test
    void defaults() {
        BridgeConfig c = load("");
        MqttUpstreamSettings m = MqttUpstreamSettings.of(c.upstreams().get(0));
        assertEquals(1000, m.maxInflight());
        assertEquals(Duration.ofSeconds(60), m.keepAlive());
        assertFalse(m.cleanSession());
        assertEquals("bare", m.topicForm());
        assertEquals("plain", m.poaStyle());
        assertEquals(Duration.ofSeconds(10), m.connectTimeout());
        assertEquals(Duration.ofSeconds(2), m.maxReconnectDelay());
        assertEquals(Duration.ofMillis(250), m.reconnectDelay());
        assertNull(m.trustStore());
        assertNull(m.poaBroker());
        assertEquals("cred-", m.credentialPrefix());
        assertEquals(4, MqttSettings.of(c).dispatchThreads());
        assertEquals(10000, MqttSettings.of(c).dispatchQueue());
        PahoMqttTransport.Options o = MqttBinding.options(c.upstreams().get(0), MqttSettings.of(c));
        assertEquals("C::bridge-acme", o.clientId(), "the same after every restart: it names the broker's session");
        assertFalse(o.cleanSession(), "a persistent session by default");
        assertNull(o.dataDir());
    }

    @Test
    void everyKey() {
        BridgeConfig c = ConfigLoader.parse("""
                listeners:
                  ws: {port: 0}
                mqtt:
                  dataDir: /var/lib/m2m-bridge
                  dispatchThreads: 2
                  dispatchQueue: 500
                upstreams:
                  - name: mobius
                    binding: mqtt
                    broker: ssl://broker.example:8883
                    cseId: /Mobius2
                    mqtt:
                      clientId: "C::edge-1"
                      username: bridge
                      password: secret
                      maxInflight: 2000
                      keepAlive: 30s
                      cleanSession: true
                      topicForm: full
                      poaStyle: with-entity-path
                      trustStore: /etc/m2m-bridge/ca.p12
                      trustStorePassword: changeit
                      connectTimeout: 5s
                      maxReconnectDelay: 30s
                      reconnectDelay: 1s
                      poaBroker: mqtts://broker.public.example:8883
                      credentialPrefix: bridge-
                """);
        MqttUpstreamSettings m = MqttUpstreamSettings.of(c.upstreams().get(0));
        assertEquals("full", m.topicForm());
        assertEquals("with-entity-path", m.poaStyle());
        assertTrue(m.cleanSession());
        PahoMqttTransport.Options o = MqttBinding.options(c.upstreams().get(0), MqttSettings.of(c));
        assertEquals("C::edge-1", o.clientId());
        assertEquals(2000, o.maxInflight());
        assertEquals("/var/lib/m2m-bridge/mqtt/mobius", o.dataDir().toString());
        assertEquals(2, MqttSettings.of(c).dispatchThreads());
        assertEquals("mqtts://broker.public.example:8883", m.poaBroker());
        assertEquals("bridge-", m.credentialPrefix());
        assertEquals(Duration.ofSeconds(1), o.reconnectDelay());
        assertEquals(Duration.ofSeconds(30), o.maxReconnectDelay());
    }

    @Test
    void badValuesAndUnknownKeysNameTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("mqtt: {topicForm: long}"));
        assertTrue(e.getMessage().contains("mqtt.topicForm"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("mqtt: {poaStyle: fancy}"));
        assertTrue(e.getMessage().contains("mqtt.poaStyle"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("mqtt: {poaBroker: \"tcp://h:1883/x\"}"));
        assertTrue(e.getMessage().contains("mqtt.poaBroker"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("mqtt: {reconnectDelay: 5s}"));
        assertTrue(e.getMessage().contains("mqtt.reconnectDelay"), e.getMessage()); // above maxReconnectDelay (2s)
        assertEquals(Duration.ofMillis(100), MqttUpstreamSettings.of(load("mqtt: {maxReconnectDelay: 100ms}")
                .upstreams().get(0)).reconnectDelay(), "the first delay follows a smaller cap");
        e = assertThrows(ConfigException.class, () -> load("mqtt: {qos: 2}"));
        assertTrue(e.getMessage().contains("qos"), e.getMessage());
    }

    @Test
    void brokerUrisOfTs0010AreAccepted() {
        assertEquals("tcp://h:1883", PahoMqttTransport.pahoUri("mqtt://h:1883"));
        assertEquals("ssl://h:8883", PahoMqttTransport.pahoUri("mqtts://h:8883"));
        assertEquals("tcp://h:1883", PahoMqttTransport.pahoUri("tcp://h:1883"));
    }
}
