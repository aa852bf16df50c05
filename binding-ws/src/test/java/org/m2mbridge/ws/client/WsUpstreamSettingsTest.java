package org.m2mbridge.ws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.ws.config.WsUpstreamSettings;

/** {@code upstreams[].ws}: defaults, every key read, strict refusals naming the key. */
class WsUpstreamSettingsTest {

    private static WsUpstreamSettings parse(String wsYaml) {
        return WsUpstreamSettings.of(ConfigLoader.parse("listeners:\n  ws:\n    port: 0\nupstreams:\n  - name: b\n    binding: ws\n"
                + "    url: wss://cse.example:8443/\n    cseId: /id-in\n" + wsYaml).upstreams().get(0));
    }

    @Test
    void defaults() {
        WsUpstreamSettings s = parse("");
        assertEquals(List.of("oneM2M.json", "oneM2M.R2.0.json"), s.subprotocols());
        assertNull(s.originHeader());
        assertEquals(64, s.maxInflight());
        assertEquals(1024, s.maxQueued());
        assertEquals(Duration.ofSeconds(20), s.pingInterval());
        assertEquals(Duration.ofSeconds(5), s.connectTimeout());
        assertEquals(Duration.ofSeconds(10), s.maxReconnectDelay());
        assertEquals(List.of(), s.poa(), "no poa: reached over the bridge's connection (TS-0020 6.2)");
        assertNull(s.proxy());
        assertNull(s.tls());
        assertTrue(s.hostnameVerification());
        assertEquals("shared", s.sockets());
        assertEquals(256, s.maxSockets());
    }

    @Test
    void perEntitySockets() {
        WsUpstreamSettings s = parse("    ws: { sockets: per-entity, maxSockets: 10 }\n");
        assertTrue(s.socketPerEntity());
        assertEquals(10, s.maxSockets());
    }

    @Test
    void everyKeyIsRead() {
        WsUpstreamSettings s = parse("""
                    ws:
                      subprotocols: [oneM2M.cbor]
                      originHeader: /id-mn
                      maxInflight: 1
                      maxQueued: 10
                      pingInterval: 0s
                      connectTimeout: 2s
                      maxReconnectDelay: 500ms
                      poa: ["ws://10.0.0.1:8180"]
                      proxy: { url: "http://proxy.local:3128", username: u, password: p }
                      tls: { trustStore: /etc/m2m/trust.p12, protocols: [TLSv1.2] }
                      hostnameVerification: false
                """);
        assertEquals(List.of("oneM2M.cbor"), s.subprotocols());
        assertEquals("/id-mn", s.originHeader());
        assertEquals(1, s.maxInflight());
        assertEquals(10, s.maxQueued());
        assertEquals(Duration.ZERO, s.pingInterval());
        assertEquals(Duration.ofSeconds(2), s.connectTimeout());
        assertEquals(Duration.ofMillis(500), s.maxReconnectDelay());
        assertEquals(List.of("ws://10.0.0.1:8180"), s.poa());
        assertEquals("proxy.local", s.proxy().uri().getHost());
        assertEquals("u", s.proxy().username());
        assertEquals(List.of("TLSv1.2"), s.tls().protocols());
        assertEquals(false, s.hostnameVerification());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertRefused("    ws: { maxInflight: 0 }\n", "ws.maxInflight");
        assertRefused("    ws: { proxy: { url: \"https://p:1\" } }\n", "ws.proxy.url");
        assertRefused("    ws: { proxy: { url: \"http://p:1\", username: u } }\n", "ws.proxy");
        assertRefused("    ws: { tls: { protocols: [TLSv1.1] } }\n", "ws.tls.protocols");
        assertRefused("    ws: { deflate: true }\n", "deflate");
        assertRefused("    ws: { sockets: per-originator }\n", "ws.sockets");
        assertRefused("    ws: { sockets: per-entity, maxSockets: 0 }\n", "ws.maxSockets");
        assertRefused("    ws: { sockets: per-entity, originHeader: /id-mn }\n", "ws.originHeader");
    }

    private static void assertRefused(String wsYaml, String key) {
        Exception e = assertThrows(ConfigException.class, () -> parse(wsYaml));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
