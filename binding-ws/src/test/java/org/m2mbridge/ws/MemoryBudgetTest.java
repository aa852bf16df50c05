package org.m2mbridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;

/**
 * The inbound memory budget on the WS binding (docs/security.md "Memory budget"): messages are received as bytes
 * the budget pays for, an unfinished message is closed after {@code limits.messageAssemblyTimeout}, a connection
 * without an entity gets {@code limits.unregisteredMessageBytes}, and a spent budget sheds the largest holder.
 */
@Timeout(60)
class MemoryBudgetTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private WsFixture bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private double metric(String name, String... labels) {
        return bridge.metric(name, labels);
    }

    private double used() {
        return metric("m2mbridge_inbound_budget_used_bytes");
    }

    /** A RETRIEVE of exactly {@code bytes} bytes (JSON, padded in {@code pc}). */
    private static byte[] request(String fr, String rqi, int bytes) {
        String head = "{\"op\":2,\"to\":\"/id-in\",\"fr\":\"" + fr + "\",\"rqi\":\"" + rqi
                + "\",\"rvi\":\"3\",\"pc\":{\"m2m:dbg\":\"";
        String tail = "\"}}";
        return (head + "x".repeat(bytes - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static void register(RawWsClient c, String aei) throws Exception {
        c.sendText(Json.createAe(aei, "reg-" + aei, "ae-" + aei));
        assertEquals(2001, Json.parse(c.readText()).path("rsc").asInt());
    }

    private static JsonNode ask(RawWsClient c, byte[] message) throws Exception {
        c.sendFrame(true, false, RawWsClient.TEXT, message);
        return Json.parse(c.readText());
    }

    @Test
    void unfinishedMessageIsClosed1008AfterTheAssemblyTimeoutAndOthersAreNotTouched() throws Exception {
        bridge = new WsFixture("limits:\n  messageAssemblyTimeout: 300ms\n");
        try (RawWsClient stalled = bridge.open("oneM2M.json"); RawWsClient idle = bridge.open("oneM2M.json")) {
            long start = System.nanoTime();
            stalled.sendFrame(false, false, RawWsClient.TEXT, "{\"op\":2,\"pc\":\"".getBytes(StandardCharsets.UTF_8));
            RawWsClient.Frame close = stalled.readClose(5000);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1008, close.closeCode());
            assertTrue(close.closeReason().contains("limits.messageAssemblyTimeout"), close.closeReason());
            assertTrue(ms >= 300, "closed after " + ms + " ms, before the timeout");
            assertTrue(stalled.closedWithin(5000), "the socket is dropped with the close frame");
            assertEquals(1, metric("m2mbridge_load_shed", "reason", "assembly_timeout"));
            // a connection that sends nothing has no message under way: it stays, and serves
            assertEquals(4103, Json.parse(askText(idle, Json.retrieve("Cnobody", "q", "/id-in"))).path("rsc").asInt());
            Await.until(WAIT, () -> used() == 0);
        }
    }

    private static String askText(RawWsClient c, String text) throws Exception {
        c.sendText(text);
        return c.readText();
    }

    @Test
    void messageTricklingInFramesIsClosedAtTheDeadlineCountedFromItsFirstByte() throws Exception {
        bridge = new WsFixture("limits:\n  messageAssemblyTimeout: 500ms\n");
        try (RawWsClient trickle = bridge.open("oneM2M.json")) {
            trickle.sendFrame(false, false, RawWsClient.TEXT, "{\"op\":2,".getBytes(StandardCharsets.UTF_8));
            long start = System.nanoTime();
            int sent = 0;
            // a continuation every 100 ms: each keeps the socket busy, none finishes the message
            while (System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
                try {
                    trickle.sendFrame(false, false, RawWsClient.CONTINUATION, new byte[] {' '});
                    sent++;
                } catch (java.io.IOException closed) {
                    break;
                }
                if (trickle.closedWithin(100)) {
                    break;
                }
            }
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(6).toNanos(),
                    "closed well before 10 s (deadline 500 ms), after " + sent + " continuations");
            assertEquals(1, metric("m2mbridge_load_shed", "reason", "assembly_timeout"));
        }
    }

    @Test
    void connectionWithoutAnEntityGetsTheSmallerAllowanceAndARegisteredOneTheFullSize() throws Exception {
        bridge = new WsFixture("limits:\n  unregisteredMessageBytes: 1024\n");
        try (RawWsClient stranger = bridge.open("oneM2M.json"); RawWsClient device = bridge.open("oneM2M.json")) {
            assertEquals(4103, ask(stranger, request("Cnobody", "small", 1000)).path("rsc").asInt());
            register(device, "Cdev");
            JsonNode big = ask(device, request("Cdev", "big", 20_000));
            assertEquals("big", big.path("rqi").asText());
            assertEquals(2000, big.path("rsc").asInt());

            stranger.sendFrame(true, false, RawWsClient.TEXT, request("Cnobody", "big", 20_000));
            RawWsClient.Frame close = stranger.readClose(5000);
            assertEquals(1009, close.closeCode());
            assertTrue(close.closeReason().contains("limits.unregisteredMessageBytes"), close.closeReason());
            assertEquals(1, metric("m2mbridge_limit_refusals", "limit", "ws_unregistered_message_size"));
            assertEquals(0, metric("m2mbridge_limit_refusals", "limit", "ws_message_size"));
            assertEquals("again", ask(device, request("Cdev", "again", 20_000)).path("rqi").asText());
        }
    }

    @Test
    void spentBudgetShedsTheLargestPartialSenderWhileASmallerOneAndANewRequestGoOn() throws Exception {
        bridge = new WsFixture("limits:\n  maxMessageBytes: 131072\n  inboundBudgetBytes: 204800\n");
        try (RawWsClient large = bridge.open("oneM2M.json"); RawWsClient small = bridge.open("oneM2M.json");
             RawWsClient device = bridge.open("oneM2M.json")) {
            register(large, "Clarge");
            register(small, "Csmall");
            register(device, "Cdevice");
            byte[] big = request("Clarge", "never", 125_000);
            large.sendFrame(false, false, RawWsClient.TEXT, Arrays.copyOf(big, 120_000));
            byte[] half = request("Csmall", "later", 60_000);
            small.sendFrame(false, false, RawWsClient.TEXT, Arrays.copyOf(half, 30_000));
            Await.until(WAIT, () -> used() >= 150_000);
            assertEquals(0, metric("m2mbridge_load_shed", "reason", "memory_budget"));

            // 40 KB more does not fit: the largest holder goes, not the newcomer and not the smaller one
            JsonNode answer = ask(device, request("Cdevice", "fits", 40_000));
            assertEquals("fits", answer.path("rqi").asText());
            assertEquals(2000, answer.path("rsc").asInt());
            RawWsClient.Frame close = large.readClose(5000);
            assertEquals(1013, close.closeCode());
            assertTrue(close.closeReason().contains("limits.inboundBudgetBytes"), close.closeReason());
            assertEquals(1, metric("m2mbridge_load_shed", "reason", "memory_budget"));

            small.sendFrame(true, false, RawWsClient.CONTINUATION, Arrays.copyOfRange(half, 30_000, half.length));
            assertEquals("later", Json.parse(small.readText()).path("rqi").asText());
            Await.until(WAIT, () -> used() == 0);
        }
    }

    @Test
    void partialTextIsHeldAsBytesAndReleasedWhenWhole() throws Exception {
        bridge = new WsFixture("");
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            register(c, "Cae1");
            byte[] message = request("Cae1", "whole", 300_000);
            c.sendFrame(false, false, RawWsClient.TEXT, Arrays.copyOf(message, 200_000));
            Await.until(WAIT, () -> used() >= 200_000);
            // held as bytes in chunks (at most one chunk of slack), not as chars (twice the size)
            assertTrue(used() < 200_000 + 64 * 1024, "budget used " + used());
            c.sendFrame(true, false, RawWsClient.CONTINUATION, Arrays.copyOfRange(message, 200_000, message.length));
            assertEquals("whole", Json.parse(c.readText()).path("rqi").asText());
            Await.until(WAIT, () -> used() == 0);
        }
    }

    @Test
    void multiByteCharactersSplitAcrossFragmentsWithAPingBetweenAreDecodedWhole() throws Exception {
        bridge = new WsFixture("");
        String rqi = "\u00e9\u20ac\ud834\udd1e-ok"; // 2, 3 and 4 bytes in UTF-8
        byte[] all = Json.retrieve("Cnobody", rqi, "/id-in").getBytes(StandardCharsets.UTF_8);
        int at = new String(all, StandardCharsets.ISO_8859_1).indexOf('\u00c3'); // first byte of the e-acute
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            // cut inside each character: after 1 of 2 bytes, 2 of 3, 3 of 4
            int[] cuts = {at + 1, at + 2 + 2, at + 5 + 3, all.length};
            int from = 0;
            for (int i = 0; i < cuts.length; i++) {
                c.sendFrame(i == cuts.length - 1, false, i == 0 ? RawWsClient.TEXT : RawWsClient.CONTINUATION,
                        Arrays.copyOfRange(all, from, cuts[i]));
                from = cuts[i];
                if (i == 0) { // a control frame between fragments is allowed (RFC 6455 5.4) and answered at once
                    c.sendFrame(true, false, RawWsClient.PING, new byte[] {'p'});
                    RawWsClient.Frame pong = c.readFrame();
                    assertEquals(RawWsClient.PONG, pong.opcode());
                    assertEquals("p", pong.text());
                }
            }
            JsonNode r = Json.parse(c.readText());
            assertEquals(rqi, r.path("rqi").asText());
            assertEquals(4103, r.path("rsc").asInt());
        }
    }

    @Test
    void invalidUtf8AcrossFragmentsOrAMessageEndingInsideACharacterCloses1007() throws Exception {
        bridge = new WsFixture("");
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            c.sendFrame(false, false, RawWsClient.TEXT, new byte[] {'{', '"', (byte) 0xe2, (byte) 0x82});
            c.sendFrame(true, false, RawWsClient.CONTINUATION, new byte[] {'(', '"', '}'}); // not a continuation byte
            assertEquals(1007, c.readClose(5000).closeCode());
        }
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            c.sendFrame(false, false, RawWsClient.TEXT, new byte[] {'{', '"', 'a'});
            c.sendFrame(true, false, RawWsClient.CONTINUATION, new byte[] {'"', (byte) 0xc3});
            assertEquals(1007, c.readClose(5000).closeCode());
        }
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            c.sendText(Json.retrieve("Cnobody", "fine", "/id-in"));
            assertEquals("fine", Json.parse(c.readText()).path("rqi").asText());
        }
        Await.until(WAIT, () -> used() == 0);
    }

    @Test
    void binaryMessageFromFragmentsIsAssembledOnACborConnectionAndAnOversizedOneCloses1009() throws Exception {
        bridge = new WsFixture("limits:\n  unregisteredMessageBytes: 1024\n");
        PrimitiveCodec cbor = new Codecs(CodecLimits.DEFAULT).get(Serialization.CBOR);
        byte[] all = cbor.encode(RequestPrimitive.builder().op(Operation.RETRIEVE).to("/id-in").fr("Cnobody")
                .rqi("cbor-frag").rvi("3").build());
        try (RawWsClient c = bridge.open("oneM2M.cbor")) {
            c.sendFrame(false, false, RawWsClient.BINARY, Arrays.copyOfRange(all, 0, 5));
            c.sendFrame(false, false, RawWsClient.CONTINUATION, Arrays.copyOfRange(all, 5, 11));
            c.sendFrame(true, false, RawWsClient.CONTINUATION, Arrays.copyOfRange(all, 11, all.length));
            RawWsClient.Frame answer = c.readMessage();
            assertEquals(RawWsClient.BINARY, answer.opcode());
            ResponsePrimitive r = (ResponsePrimitive) ((DecodeResult.Decoded) cbor.decode(answer.payload()))
                    .primitive();
            assertEquals("cbor-frag", r.rqi());
            assertEquals(4103, r.rsc());

            c.sendFrame(false, false, RawWsClient.BINARY, new byte[600]);
            c.sendFrame(false, false, RawWsClient.CONTINUATION, new byte[600]);
            assertEquals(1009, c.readClose(5000).closeCode(), "1200 bytes are over the allowance of 1024");
        }
    }
}
