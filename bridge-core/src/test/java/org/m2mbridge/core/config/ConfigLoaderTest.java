package org.m2mbridge.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    /** The minimal file of the foundation issue, verbatim: operators and scripts write exactly this. */
    static final String MINIMAL = """
            listeners:
              ws:    { host: 127.0.0.1, port: 8180 }   # devices connect here (TS-0020)
              http:  { host: 127.0.0.1, port: 8280 }   # upstream CSEs send notifications here (TS-0009)
              admin: { host: 127.0.0.1, port: 9180 }   # /metrics, /health, status
            upstreams:
              - name: in-cse
                binding: http                          # http | mqtt (| ws later)
                url: http://127.0.0.1:8080             # for mqtt: broker: tcp://127.0.0.1:1883
                cseId: /id-in
                spId: //acme.example.com
                serialization: json                    # json | xml | cbor
            routes:
              default: in-cse
            """;

    @Test
    void theMinimalFileLoadsWithDefaults() {
        BridgeConfig c = ConfigLoader.parse(MINIMAL);
        assertEquals(8180, c.listeners().ws().port());
        assertEquals("127.0.0.1", c.listeners().http().host());
        assertEquals(BindingType.HTTP, c.upstreams().get(0).binding());
        assertEquals("/id-in", c.upstreams().get(0).cseId());
        assertEquals("in-cse", c.routes().defaultUpstream());
        assertEquals(Duration.ofSeconds(30), c.timeouts().request());
        assertEquals(64, c.upstreams().get(0).http().maxConnections());
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
    void aBadPortIsNamed() {
        String m = error(MINIMAL.replace("port: 8280", "port: 70000"));
        assertTrue(m.contains("listeners.http.port") && m.contains("0..65535"), m);
        String n = error(MINIMAL.replace("port: 8280", "port: eighty"));
        assertTrue(n.contains("listeners.http.port"), n);
    }

    private static void assertNames(String yaml, String key) {
        String m = error(yaml);
        assertTrue(m.contains(key), "expected '" + key + "' in: " + m);
    }

    @Test
    void aBridgeForHttpOrMqttDevicesNeedsNoWebSocketListener() {
        String noWs = MINIMAL.replace("ws:    { host: 127.0.0.1, port: 8180 }",
                "deviceHttp: { host: 127.0.0.1, port: 8380 }\n  deviceMqtt: { broker: tcp://127.0.0.1:1883, receivers: [/id-in] }");
        BridgeConfig c = ConfigLoader.parse(noWs);
        assertEquals(null, c.listeners().ws());
        assertEquals(8380, c.listeners().deviceHttp().port());
        assertEquals("tcp://127.0.0.1:1883", c.listeners().deviceMqtt().broker());
        assertEquals(java.util.List.of("/id-in"), c.listeners().deviceMqtt().receivers());
        assertNames(MINIMAL.replace("ws:    { host: 127.0.0.1, port: 8180 }", ""),
                "listeners.ws");
        assertNames(noWs.replace("tcp://127.0.0.1:1883", "127.0.0.1"), "listeners.deviceMqtt.broker");
        assertNames(noWs.replace("receivers: [/id-in]", "receivers: ['/id-in/+']"), "listeners.deviceMqtt.receivers[0]");
    }

    @Test
    void anHttpUpstreamWithoutTheInboundListenerIsRefusedUnlessItSaysItNeverNotifies() {
        String noInbound = MINIMAL.replaceFirst("(?m)^  http: .*\n", "");
        assertTrue(!noInbound.contains("port: 8280"), noInbound);
        String m = error(noInbound);
        assertTrue(m.contains("upstreams[0]") && m.contains("binding http") && m.contains("listeners.http"), m);
        BridgeConfig optOut = ConfigLoader.parse(noInbound.replace("serialization: json ",
                "notifications: false\n    serialization: json "));
        assertEquals(false, optOut.upstreams().get(0).notifications());
        assertEquals(true, ConfigLoader.parse(MINIMAL).upstreams().get(0).notifications());
        assertNames(MINIMAL.replace("binding: http ", "binding: mqtt ")
                .replace("url: http://127.0.0.1:8080", "broker: tcp://127.0.0.1:1883")
                .replace("serialization: json ", "notifications: false\n    serialization: json "),
                "upstreams[0].notifications");
    }

    @Test
    void semanticErrorsNameTheKey() {
        assertNames(MINIMAL.replace("default: in-cse", "default: nowhere"), "routes.default");
        assertNames(MINIMAL.replace("binding: http ", "binding: smtp "), "upstreams[0].binding");
        assertNames(MINIMAL.replace("serialization: json", "serialization: yaml"), "upstreams[0].serialization");
        assertNames(MINIMAL.replace("cseId: /id-in", "cseId: id-in"), "upstreams[0].cseId");
        assertNames(MINIMAL.replace("url: http://127.0.0.1:8080", "broker: tcp://127.0.0.1:1883"), "upstreams[0].url");
        assertNames(MINIMAL + "timeouts: { request: soon }\n", "timeouts.request");
        assertNames(MINIMAL + "ws: { ioThreads: 0 }\n", "ws.ioThreads");
        assertNames("", "empty");
        assertNames("listeners: 'unterminated\n", "not valid YAML");
    }

    @Test
    void webSocketIoThreadsDefaultToUndertowsDefault() {
        assertEquals(Math.max(2, Runtime.getRuntime().availableProcessors()), ConfigLoader.parse(MINIMAL).ws().ioThreads());
        assertEquals(1, ConfigLoader.parse(MINIMAL + "ws: { ioThreads: 1 }\n").ws().ioThreads());
    }

    @Test
    void durationsReadTheWayOperatorsWriteThem() {
        assertEquals(Duration.ofMillis(500), ConfigLoader.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(30), ConfigLoader.parseDuration("30s"));
        assertEquals(Duration.ofMinutes(5), ConfigLoader.parseDuration("5m"));
        assertEquals(Duration.ofHours(1), ConfigLoader.parseDuration("1h"));
        assertEquals(Duration.ofSeconds(30), ConfigLoader.parseDuration("PT30S"));
        assertEquals(Duration.ofMillis(250), ConfigLoader.parseDuration("250"));
        assertEquals(null, ConfigLoader.parseDuration("fast"));
    }
}
