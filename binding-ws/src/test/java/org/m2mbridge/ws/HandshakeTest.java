package org.m2mbridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.testing.Await;

/** Opening handshakes (TS-0020 7.2; docs/spec/websocket.md WS-HS-1..6), on a raw socket. */
@Timeout(30)
class HandshakeTest {
    static WsFixture bridge;

    @BeforeAll
    static void start() throws Exception {
        bridge = new WsFixture();
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    private RawWsClient.HttpHead handshake(String key, String... headers) throws Exception {
        try (RawWsClient c = bridge.raw()) {
            return c.handshake(key, headers);
        }
    }

    @Test
    void acceptKeyOfTheTs0020ExampleIsComputedPerRfc6455() throws Exception {
        RawWsClient.HttpHead h = handshake("ud63env87LQLd4uIV20/oQ==", "Sec-WebSocket-Protocol: oneM2M.R2.0.json");
        assertEquals(101, h.status(), h.statusLine());
        assertEquals("5thN0mVgdTFTgHSjknHQ8H0EtnM=", h.header("Sec-WebSocket-Accept"));
        assertEquals("oneM2M.R2.0.json", h.header("Sec-WebSocket-Protocol"));
        assertEquals("websocket", h.header("Upgrade").toLowerCase());
        assertTrue(h.header("Connection").toLowerCase().contains("upgrade"));
    }

    @Test
    void acceptKeyOfTheRfcExample() throws Exception {
        RawWsClient.HttpHead h = handshake("dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol: oneM2M.json");
        assertEquals(101, h.status());
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", h.header("Sec-WebSocket-Accept"));
        assertEquals(List.of("oneM2M.json"), h.all("Sec-WebSocket-Protocol"));
    }

    @Test
    void thymeLowerCaseNameIsEchoedExactly() throws Exception {
        RawWsClient.HttpHead h = handshake(RawWsClient.randomKey(), "Sec-WebSocket-Protocol: onem2m.r2.0.json");
        assertEquals(101, h.status());
        assertEquals("onem2m.r2.0.json", h.header("Sec-WebSocket-Protocol"));
    }

    @Test
    void seedUpperCaseSpellingIsEchoedExactly() throws Exception {
        RawWsClient.HttpHead h = handshake(RawWsClient.randomKey(), "Sec-WebSocket-Protocol: oneM2M.R2.0.JSON");
        assertEquals("oneM2M.R2.0.JSON", h.header("Sec-WebSocket-Protocol"));
    }

    @Test
    void clientOrderOfPreferenceWins() throws Exception {
        assertEquals("oneM2M.cbor", handshake(RawWsClient.randomKey(),
                "Sec-WebSocket-Protocol: oneM2M.cbor, oneM2M.json").header("Sec-WebSocket-Protocol"));
        assertEquals("oneM2M.R2.0.XML", handshake(RawWsClient.randomKey(),
                "Sec-WebSocket-Protocol: oneM2M.R2.0.XML, oneM2M.R2.0.xml, oneM2M.R2.0.json")
                .header("Sec-WebSocket-Protocol"));
    }

    @Test
    void repeatedHeadersAreMergedAndUnsupportedNamesSkipped() throws Exception {
        RawWsClient.HttpHead h = handshake(RawWsClient.randomKey(), "Sec-WebSocket-Protocol: chat",
                "Sec-WebSocket-Protocol: oneM2M-pro-v1.0, oneM2M.R2.0.cbor", "Sec-WebSocket-Protocol: oneM2M.json");
        assertEquals(101, h.status());
        assertEquals(List.of("oneM2M.R2.0.cbor"), h.all("Sec-WebSocket-Protocol"));
    }

    @Test
    void unsupportedSubprotocolIs400WithoutUpgrade() throws Exception {
        double before = bridge.metric("m2mbridge_ws_handshake_refusals", "reason", "unsupported_subprotocol");
        RawWsClient.HttpHead h = handshake(RawWsClient.randomKey(), "Sec-WebSocket-Protocol: chat, oneM2M-R2.0_XML");
        assertEquals(400, h.status());
        assertNull(h.header("Upgrade"));
        assertNull(h.header("Sec-WebSocket-Accept"));
        assertTrue(h.body().contains("subprotocol"), h.body());
        assertEquals(before + 1, bridge.metric("m2mbridge_ws_handshake_refusals", "reason", "unsupported_subprotocol"));
    }

    @Test
    void missingSubprotocolIs400WithoutUpgrade() throws Exception {
        RawWsClient.HttpHead h = handshake(RawWsClient.randomKey());
        assertEquals(400, h.status());
        assertNull(h.header("Sec-WebSocket-Accept"));
        assertTrue(bridge.metric("m2mbridge_ws_handshake_refusals", "reason", "no_subprotocol") >= 1);
    }

    @Test
    void wrongVersionIs426NamingVersion13() throws Exception {
        RawWsClient.HttpHead h = handshake(RawWsClient.randomKey(), "Sec-WebSocket-Version: 8",
                "Sec-WebSocket-Protocol: oneM2M.json");
        assertEquals(426, h.status());
        assertEquals("13", h.header("Sec-WebSocket-Version"));
        assertNull(h.header("Sec-WebSocket-Accept"));
    }

    @Test
    void anyPathIsAcceptedAndOriginHeaderOfAnyCaseIsHarmless() throws Exception {
        try (RawWsClient c = bridge.raw()) {
            RawWsClient.HttpHead h = c.request("GET /some/where?x=1 HTTP/1.1", List.of("Upgrade: WebSocket",
                    "Connection: keep-alive, Upgrade", "Sec-WebSocket-Key: " + RawWsClient.randomKey(),
                    "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: oneM2M.json", "x-m2m-origin: Cunknown"));
            assertEquals(101, h.status());
        }
    }

    @Test
    void permessageDeflateIsNegotiatedWhenOffered() throws Exception {
        RawWsClient.HttpHead h = handshake(RawWsClient.randomKey(), "Sec-WebSocket-Protocol: oneM2M.json",
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits");
        assertEquals(101, h.status());
        assertTrue(h.header("Sec-WebSocket-Extensions").startsWith("permessage-deflate"));
        assertNull(handshake(RawWsClient.randomKey(), "Sec-WebSocket-Protocol: oneM2M.json")
                .header("Sec-WebSocket-Extensions"));
    }

    @Test
    void disabledSerializationsAndDeflateAreRefused() throws Exception {
        try (WsFixture jsonOnly = new WsFixture("ws:\n  serializations: [json]\n  deflate: false\n")) {
            try (RawWsClient c = jsonOnly.raw()) {
                assertEquals(400, c.upgrade("oneM2M.cbor, oneM2M.R2.0.xml").status());
            }
            try (RawWsClient c = jsonOnly.raw()) {
                RawWsClient.HttpHead h = c.upgrade("oneM2M.cbor, oneM2M.json",
                        "Sec-WebSocket-Extensions: permessage-deflate");
                assertEquals(101, h.status());
                assertEquals("oneM2M.json", h.header("Sec-WebSocket-Protocol"));
                assertFalse(h.headers().containsKey("sec-websocket-extensions"));
            }
        }
    }

    @Test
    void connectionGaugeCountsBySubprotocol() throws Exception {
        try (RawWsClient c = bridge.open("oneM2M.R2.0.xml")) {
            Await.until(java.time.Duration.ofSeconds(5),
                    () -> bridge.metric("m2mbridge_ws_connections", "role", "server", "subprotocol", "xml") >= 1);
        }
        Await.until(java.time.Duration.ofSeconds(5),
                () -> bridge.metric("m2mbridge_ws_connections", "role", "server", "subprotocol", "xml") == 0);
    }
}
