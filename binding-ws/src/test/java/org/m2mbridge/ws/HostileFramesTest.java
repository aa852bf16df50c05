package org.m2mbridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frames RFC 6455 5.2 forbids, sent by hand: each closes its connection with 1002 (protocol error) and leaves
 * the others alone.
 */
@Timeout(60)
class HostileFramesTest {
    private static final byte[] PAYLOAD = Json.retrieve("Cnobody", "x", "/id-in").getBytes(StandardCharsets.UTF_8);
    static WsFixture bridge;

    @BeforeAll
    static void start() throws Exception {
        bridge = new WsFixture();
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    /** One frame with first byte {@code b0}, masked or not (payload under 126 bytes). */
    private static byte[] frame(int b0, boolean masked, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(b0);
        f.write((masked ? 0x80 : 0) | payload.length);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        if (masked) {
            f.writeBytes(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            f.write(masked ? payload[i] ^ mask[i & 3] : payload[i]);
        }
        return f.toByteArray();
    }

    private static void assertClosed1002AndOthersServe(byte[] hostile) throws Exception {
        try (RawWsClient bystander = bridge.open("oneM2M.json"); RawWsClient attacker = bridge.open("oneM2M.json")) {
            attacker.sendRaw(hostile);
            assertEquals(1002, attacker.readClose(5000).closeCode());
            bystander.sendText(Json.retrieve("Cnobody", "still", "/id-in"));
            assertEquals(4103, Json.parse(bystander.readText()).path("rsc").asInt());
        }
    }

    @Test
    void unmaskedClientFrame() throws Exception {
        assertClosed1002AndOthersServe(frame(0x81, false, PAYLOAD)); // RFC 6455 5.1: the server MUST close
    }

    @Test
    void unknownDataOpcode() throws Exception {
        assertClosed1002AndOthersServe(frame(0x83, true, PAYLOAD));
    }

    @Test
    void unknownControlOpcode() throws Exception {
        assertClosed1002AndOthersServe(frame(0x8B, true, new byte[0]));
    }

    @Test
    void reservedBitsRsv2AndRsv3() throws Exception {
        assertClosed1002AndOthersServe(frame(0x81 | 0x20, true, PAYLOAD));
        assertClosed1002AndOthersServe(frame(0x81 | 0x10, true, PAYLOAD));
    }

    @Test
    void rsv1WithoutNegotiatedDeflate() throws Exception {
        assertClosed1002AndOthersServe(frame(0x81 | 0x40, true, PAYLOAD)); // no extension was offered
    }

    @Test
    void fragmentedControlFrame() throws Exception {
        assertClosed1002AndOthersServe(frame(0x09, true, new byte[] {1})); // ping without FIN (RFC 6455 5.5)
    }
}
