package org.m2mbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;

/** CBOR (TS-0004 8.5): text-string keys, peer bytes, malformed input. */
class CborCodecTest {
    private final CborCodec codec = new CborCodec(CodecLimits.DEFAULT);

    /** ACME's request {"op":2,"to":"cse-in/pub","fr":"Cpub","rqi":"cbor-1","rvi":"3"} (ws-cbor-retrieve-ok). */
    private static final byte[] ACME = HexFormat.of().parseHex(
            "a5626f700262746f6a6373652d696e2f7075626266726443707562637271696663626f722d31637276696133");

    @Test
    void decodesPeerBytesAndEncodesTheSameBytes() {
        RequestPrimitive r = codec.decode(ACME).request().orElseThrow();
        assertEquals(RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in/pub").fr("Cpub").rqi("cbor-1").rvi("3")
                .build(), r);
        assertEquals(HexFormat.of().formatHex(ACME), HexFormat.of().formatHex(codec.encode(r)),
                "text-string keys (major type 3), op as an unsigned integer, rvi as text");
    }

    @Test
    void byteStringKeysAreReadAsText() {
        // {h'6f70': 2, h'727169': "q"}: the key encoding of the TS-0004 8.5.2 examples (major type 2)
        RequestPrimitive r = codec.decode(HexFormat.of().parseHex("a2426f7002437271696171")).request().orElseThrow();
        assertEquals(Operation.RETRIEVE, r.op());
        assertEquals("q", r.rqi());
    }

    @Test
    void truncatedInputFailsWithTheRqiWhenItWasRead() {
        byte[] truncated = Arrays.copyOf(ACME, ACME.length - 3);
        DecodeResult.Failed f = assertInstanceOf(DecodeResult.Failed.class, codec.decode(truncated));
        assertEquals(4000, f.status().code());
        assertEquals(Optional.of("cbor-1"), f.rqi());
        assertInstanceOf(ContentResult.Failed.class, codec.decodeContent(truncated));
    }

    @Test
    void trailingBytesAndDuplicateKeysFail() {
        byte[] trailing = Arrays.copyOf(ACME, ACME.length + 1);
        assertInstanceOf(DecodeResult.Failed.class, codec.decode(trailing));
        // {"op":2,"op":3}
        assertInstanceOf(DecodeResult.Failed.class, codec.decode(HexFormat.of().parseHex("a2626f7002626f7003")));
        // [1] and "x": not an object
        assertInstanceOf(DecodeResult.Failed.class, codec.decode(HexFormat.of().parseHex("8101")));
        assertInstanceOf(DecodeResult.Failed.class, codec.decode(HexFormat.of().parseHex("6178")));
    }

    @Test
    void deepNestingAndOversizeAreTooLarge() {
        byte[] deep = new byte[10_001];
        Arrays.fill(deep, 0, 10_000, (byte) 0x81);
        deep[10_000] = 0x01;
        assertTrue(assertInstanceOf(DecodeResult.Failed.class, codec.decode(deep)).tooLarge());
        CborCodec small = new CborCodec(new CodecLimits(16, 8));
        assertTrue(assertInstanceOf(DecodeResult.Failed.class, small.decode(ACME)).tooLarge());
    }

    @Test
    void hugeDeclaredLengthsDoNotAllocate() {
        // a map whose first key claims a 2^31-byte text string, and an array claiming 2^32 items
        assertInstanceOf(DecodeResult.Failed.class, codec.decode(HexFormat.of().parseHex("a17a80000000616f")));
        assertInstanceOf(DecodeResult.Failed.class, codec.decode(HexFormat.of().parseHex("9b0000000100000000")));
    }

    @Test
    void randomBytesNeverThrowOrHang() {
        Random random = new Random(42);
        // a bound that catches a hang, not a speed claim: 20,000 decodes take well under a second when idle
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] b = new byte[1 + random.nextInt(64)];
                random.nextBytes(b);
                DecodeResult r = codec.decode(b);
                if (r instanceof DecodeResult.Failed f) {
                    assertEquals(4000, f.status().code());
                }
                codec.decodeContent(b);
            }
        });
    }
}
