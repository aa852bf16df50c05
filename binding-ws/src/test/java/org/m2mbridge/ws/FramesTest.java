package org.m2mbridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.testing.Await;

/** Frame-level behaviour (docs/spec/websocket.md WS-FRAME-1..3): hand-made frames on a raw socket. */
@Timeout(60)
class FramesTest {
    static final int MAX = 64 * 1024;
    static WsFixture bridge;

    @BeforeAll
    static void start() throws Exception {
        bridge = new WsFixture("limits:\n  maxMessageBytes: " + MAX + "\n");
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    /** The connection still works: an unregistered originator gets its 4103 answer. */
    private static void assertStillServes(RawWsClient c) throws Exception {
        c.sendText(Json.retrieve("Cnobody", "alive", "/id-in"));
        JsonNode r = Json.parse(c.readText());
        assertEquals(4103, r.path("rsc").asInt());
        assertEquals("alive", r.path("rqi").asText());
    }

    @Test
    void malformedJsonGets4000AndTheConnectionStaysOpen() throws Exception {
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            c.sendText("not json at all");
            assertEquals(4000, Json.parse(c.readText()).path("rsc").asInt());
            assertStillServes(c);
        }
    }

    @Test
    void requestWithoutRqiGets4000() throws Exception {
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            c.sendText("{\"op\":2,\"to\":\"cse-in/wsae\",\"fr\":\"Cwsae\",\"rvi\":\"3\"}"); // fixture acme/ws-09
            JsonNode r = Json.parse(c.readText());
            assertEquals(4000, r.path("rsc").asInt());
            assertTrue(r.path("pc").path("m2m:dbg").asText().contains("rqi"));
            assertStillServes(c);
        }
    }

    @Test
    void fragmentedMessageIsReassembled() throws Exception {
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            byte[] all = Json.retrieve("Cnobody", "frag", "/id-in").getBytes(StandardCharsets.UTF_8);
            c.sendFrame(false, false, RawWsClient.TEXT, Arrays.copyOfRange(all, 0, 10));
            c.sendFrame(false, false, RawWsClient.CONTINUATION, Arrays.copyOfRange(all, 10, 20));
            c.sendFrame(true, false, RawWsClient.CONTINUATION, Arrays.copyOfRange(all, 20, all.length));
            assertEquals("frag", Json.parse(c.readText()).path("rqi").asText());
        }
    }

    @Test
    void binaryFrameThatStillDecodesIsProcessedAndAnsweredAsText() throws Exception {
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            c.sendBinary(Json.retrieve("Cnobody", "bin", "/id-in").getBytes(StandardCharsets.UTF_8));
            JsonNode r = Json.parse(c.readText());
            assertEquals("bin", r.path("rqi").asText());
            assertEquals(4103, r.path("rsc").asInt());
        }
    }

    @Test
    void wrongFrameTypeThatDoesNotDecodeCloses1003() throws Exception {
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            c.sendBinary(new byte[] {1, 2, (byte) 0xff, 0});
            assertEquals(1003, c.readClose(5000).closeCode());
        }
        try (RawWsClient c = bridge.open("oneM2M.cbor")) {
            c.sendText("hello");
            assertEquals(1003, c.readClose(5000).closeCode());
        }
    }

    @Test
    void invalidUtf8InATextFrameCloses1007() throws Exception {
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            c.sendFrame(true, false, RawWsClient.TEXT, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
            assertEquals(1007, c.readClose(5000).closeCode());
        }
    }

    @Test
    void oversizedMessageCloses1009AndOtherConnectionsKeepWorking() throws Exception {
        try (RawWsClient other = bridge.open("oneM2M.json")) {
            try (RawWsClient c = bridge.open("oneM2M.json")) {
                byte[] big = new byte[MAX + 100];
                Arrays.fill(big, (byte) ' ');
                big[0] = '{';
                big[big.length - 1] = '}';
                double before = bridge.metric("m2mbridge_limit_refusals", "limit", "ws_message_size");
                c.sendFrame(true, false, RawWsClient.TEXT, big);
                assertEquals(1009, c.readClose(5000).closeCode());
                Await.until(java.time.Duration.ofSeconds(5),
                    () -> bridge.metric("m2mbridge_limit_refusals", "limit", "ws_message_size") == before + 1);
            }
            assertStillServes(other);
        }
    }

    @Test
    void deflateBombOf50MbCloses1009() throws Exception {
        byte[] bomb = rawDeflate(new byte[50 * 1024 * 1024]);
        assertTrue(bomb.length < 200_000, "compressed size " + bomb.length);
        try (RawWsClient c = bridge.raw()) {
            RawWsClient.HttpHead h = c.upgrade("oneM2M.json", "Sec-WebSocket-Extensions: permessage-deflate");
            assertTrue(h.header("Sec-WebSocket-Extensions").startsWith("permessage-deflate"));
            c.sendFrame(true, true, RawWsClient.TEXT, bomb);
            assertEquals(1009, c.readClose(10_000).closeCode());
        }
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            assertStillServes(c);
        }
    }

    @Test
    void compressedRequestIsAnsweredOverDeflate() throws Exception {
        try (RawWsClient c = bridge.raw()) {
            c.upgrade("oneM2M.json", "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover");
            c.sendFrame(true, true, RawWsClient.TEXT,
                    rawDeflate(Json.retrieve("Cnobody", "z1", "/id-in").getBytes(StandardCharsets.UTF_8)));
            RawWsClient.Frame f = c.readMessage();
            String text = f.rsv1() ? new String(rawInflate(f.payload()), StandardCharsets.UTF_8) : f.text();
            assertEquals("z1", Json.parse(text).path("rqi").asText());
        }
    }

    @Test
    void compressedMessageAboveUndertowsOneMebibyteDefaultIsAcceptedUnderTheConfiguredLimit() throws Exception {
        // unregistered connections may send this much too, so Undertow's own inflation limit is what is tested
        try (WsFixture large = new WsFixture(
                "limits:\n  maxMessageBytes: 2097152\n  unregisteredMessageBytes: 2097152\n");
             RawWsClient c = large.raw()) {
            c.upgrade("oneM2M.json", "Sec-WebSocket-Extensions: permessage-deflate");
            String padding = "x".repeat(1_500_000);
            String request = "{\"op\":2,\"to\":\"/id-in\",\"fr\":\"Cnobody\",\"rqi\":\"big\",\"rvi\":\"3\","
                    + "\"pc\":{\"m2m:dbg\":\"" + padding + "\"}}";
            c.sendFrame(true, true, RawWsClient.TEXT, rawDeflate(request.getBytes(StandardCharsets.UTF_8)));
            RawWsClient.Frame f = c.readMessage();
            assertEquals(RawWsClient.TEXT, f.opcode(), "expected an answer, got " + f.opcode() + " " + f.closeCode());
            String text = f.rsv1() ? new String(rawInflate(f.payload()), StandardCharsets.UTF_8) : f.text();
            assertEquals("big", Json.parse(text).path("rqi").asText());
        }
    }

    /** RFC 7692 7.2.1: raw DEFLATE, sync-flushed, without the trailing 00 00 ff ff. */
    static byte[] rawDeflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length || !d.needsInput());
        d.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    static byte[] rawInflate(byte[] data) throws Exception {
        Inflater i = new Inflater(true);
        byte[] in = Arrays.copyOf(data, data.length + 4);
        in[data.length + 2] = (byte) 0xff;
        in[data.length + 3] = (byte) 0xff;
        i.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = i.inflate(buf)) > 0) {
            out.write(buf, 0, n);
        }
        i.end();
        return out.toByteArray();
    }
}
