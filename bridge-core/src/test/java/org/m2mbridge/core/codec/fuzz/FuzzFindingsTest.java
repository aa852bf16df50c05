package org.m2mbridge.core.codec.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.ContentResult;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/** Regression tests for what the codec fuzzing found; each input is a minimised finding. */
class FuzzFindingsTest {
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final PrimitiveCodec json = codecs.get(Serialization.JSON);
    private final PrimitiveCodec xml = codecs.get(Serialization.XML);
    private final PrimitiveCodec cbor = codecs.get(Serialization.CBOR);

    private Primitive decoded(PrimitiveCodec codec, String text) {
        return assertInstanceOf(DecodeResult.Decoded.class, codec.decode(text.getBytes(StandardCharsets.UTF_8)))
                .primitive();
    }

    @Test
    void aJsonKeyThatIsNoXmlNameCannotInjectMarkupIntoForwardedXml() {
        // Found: key "ct`" gave the element <ct`>; a crafted key gave a device's markup to the upstream.
        Primitive p = decoded(json, "{\"op\":2,\"to\":\"cse-in\",\"fr\":\"Cae\",\"rqi\":\"r1\",\"rvi\":\"3\","
                + "\"x><op>4</op><y\":1,\"pc\":{\"m2m:cnt\":{\"rn\":\"c\",\"ct`\":\"t\",\"lbl\":[\"a\"]}}}");
        byte[] out = xml.encode(p);
        String text = new String(out, StandardCharsets.UTF_8);
        assertFalse(text.contains("<op>4</op>"), text);
        assertFalse(text.contains("ct`"), text);
        RequestPrimitive back = assertInstanceOf(RequestPrimitive.class, decoded(xml, text));
        assertEquals(Operation.RETRIEVE, back.op());
        assertEquals("r1", back.rqi());
        assertEquals("c", back.pc().get("m2m:cnt").get("rn").asText(), "valid members are still written");
        assertTrue(back.extra().isEmpty(), back.extra().toString());
    }

    @Test
    void aContentRootThatIsNoXmlNameGoesUnderPcWithoutIt() {
        ContentResult.Decoded c = assertInstanceOf(ContentResult.Decoded.class,
                json.decodeContent("{\"a b\":{\"rn\":\"x\"}}".getBytes(StandardCharsets.UTF_8)));
        byte[] out = xml.encodeContent(c.content());
        assertInstanceOf(ContentResult.Decoded.class, xml.decodeContent(out), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void charactersXmlForbidsAreReplacedInsteadOfFailingTheEncode() {
        // Found: "\u001c" in a CBOR/JSON string made XmlTreeWriter throw (Woodstox refuses it), so the bridge
        // could not forward the request to an XML upstream at all. U+FFFE is as bad.
        Primitive p = decoded(json, "{\"op\":1,\"ty\":4,\"to\":\"Cae/c\",\"fr\":\"Cae\",\"rqi\":\"r\\u0001\","
                + "\"pc\":{\"m2m:cin\":{\"rn\":\"i\\u001f\",\"con\":\"a\\u001cb\\uFFFEc\\uD83D\\uDE00\"}}}");
        String text = new String(xml.encode(p), StandardCharsets.UTF_8);
        RequestPrimitive back = assertInstanceOf(RequestPrimitive.class, decoded(xml, text));
        assertEquals("r\uFFFD", back.rqi());
        assertEquals("i\uFFFD", back.pc().get("m2m:cin").get("rn").asText());
        assertEquals("a\uFFFDb\uFFFDc\uD83D\uDE00", back.pc().get("m2m:cin").get("con").asText(),
                "valid surrogate pairs are kept");
        // codecs refuse unpaired surrogates on input, but a primitive built in code may still carry one
        RequestPrimitive built = RequestPrimitive.builder().op(Operation.RETRIEVE).to("x\ud800").fr("C").rqi("r")
                .build();
        assertEquals("x\uFFFD", assertInstanceOf(RequestPrimitive.class,
                decoded(xml, new String(xml.encode(built), StandardCharsets.UTF_8))).to());
    }

    @Test
    void aJsonNumberBeyondDoubleRangeIsRefusedNotForwardedAsInfinity() {
        // Found: 1.0e313 became the double Infinity, which JSON writes as the string "Infinity".
        DecodeResult r = json.decode("{\"op\":2,\"to\":\"cse-in\",\"fr\":\"Cae\",\"rqi\":\"r9\",\"x\":1.0e313}"
                .getBytes(StandardCharsets.UTF_8));
        DecodeResult.Failed failed = assertInstanceOf(DecodeResult.Failed.class, r);
        assertEquals(ResponseStatusCode.BAD_REQUEST, failed.status());
        assertEquals("r9", failed.rqi().orElseThrow());
        assertInstanceOf(ContentResult.Failed.class,
                json.decodeContent("{\"m2m:cin\":{\"con\":-1e400}}".getBytes(StandardCharsets.UTF_8)));
        assertInstanceOf(DecodeResult.Decoded.class, json.decode(
                "{\"op\":2,\"to\":\"cse-in\",\"fr\":\"Cae\",\"rqi\":\"r9\",\"x\":1.5e308,\"y\":1e-400}"
                        .getBytes(StandardCharsets.UTF_8)), "large but finite numbers and underflow still decode");
    }

    @Test
    void cborInfinityStaysInfinityInCbor() {
        // CBOR can carry infinities (RFC 8949 3.3): only JSON refuses them. {"op":2,"to":"t","rqi":"r","x":+inf half}
        byte[] bytes = java.util.HexFormat.of().parseHex("a4626f700262746f61746372716961726178f97c00");
        DecodeResult r = cbor.decode(bytes);
        Primitive p = assertInstanceOf(DecodeResult.Decoded.class, r, r::toString).primitive();
        assertTrue(Double.isInfinite(((RequestPrimitive) p).extra().get("x").doubleValue()));
    }

    @Test
    void cborTextThatIsNotUtf8IsRefused() {
        // Found: "fr" as the 5-byte text string 43 f7 73 61 65 (f7 starts no valid UTF-8 sequence) decoded to a
        // string with a broken surrogate pair, which no codec could encode again (RFC 8949 5.3.1: invalid).
        byte[] bytes = java.util.HexFormat.of().parseHex(
                "a5626f700262746f6b6373652d296e2f777361656266726543f7736165637271696777732d30303261637276696133");
        DecodeResult.Failed failed = assertInstanceOf(DecodeResult.Failed.class, cbor.decode(bytes));
        assertEquals(ResponseStatusCode.BAD_REQUEST, failed.status());
        assertEquals("ws-002a", failed.rqi().orElseThrow());
        // the same as a key
        assertInstanceOf(ContentResult.Failed.class,
                cbor.decodeContent(java.util.HexFormat.of().parseHex("a163f77361f6")));
    }

    @Test
    void jsonUnpairedSurrogateEscapesAreRefused() {
        // RFC 8259 8.2: unpaired surrogates give unpredictable results; the bridge could not encode them again.
        for (String text : new String[] {
                "{\"op\":2,\"to\":\"cse-in\",\"fr\":\"C\\ud800\",\"rqi\":\"r1\"}",
                "{\"op\":2,\"to\":\"cse-in\",\"fr\":\"C\",\"rqi\":\"r1\",\"\\udc00\":1}"}) {
            DecodeResult.Failed failed = assertInstanceOf(DecodeResult.Failed.class,
                    json.decode(text.getBytes(StandardCharsets.UTF_8)), text);
            assertEquals("r1", failed.rqi().orElseThrow());
        }
        assertInstanceOf(DecodeResult.Decoded.class, json.decode(
                "{\"op\":2,\"to\":\"cse-in\",\"fr\":\"C\\ud83d\\ude00\",\"rqi\":\"r1\"}"
                        .getBytes(StandardCharsets.UTF_8)), "a valid pair is fine");
    }

    @Test
    void theReasonOfAFailureIsSafeToSendBack() {
        // Found by Jazzer: 7b 00 00 00 is read as UTF-32, and the parser's message quoted a lone surrogate into
        // the reason, so the 4000 answer's m2m:dbg could not be encoded (CBOR) or read back (JSON).
        byte[] input = java.util.HexFormat.of().parseHex("7b00000006000600" + "7d");
        DecodeResult.Failed failed = assertInstanceOf(DecodeResult.Failed.class, json.decode(input));
        assertTrue(failed.reason().chars().noneMatch(c -> Character.isSurrogate((char) c) || c < 0x20), failed.reason());
        for (PrimitiveCodec codec : new PrimitiveCodec[] {json, xml, cbor}) {
            assertInstanceOf(DecodeResult.Decoded.class, codec.decode(codec.encode(failed.toResponse())));
        }
    }

    @Test
    void aContentRootWithAnotherPrefixStillDeclaresM2m() {
        // Found: {"e2m:sgn":{"nev":{"rep":{"m2m:cin":...}}}} gave <m2m:cin> with its prefix undeclared.
        ContentResult.Decoded c = assertInstanceOf(ContentResult.Decoded.class, json.decodeContent(
                "{\"e2m:sgn\":{\"nev\":{\"rep\":{\"m2m:cin\":{\"rn\":\"i\",\"con\":\"v\"}},\"net\":3}}}"
                        .getBytes(StandardCharsets.UTF_8)));
        byte[] out = xml.encodeContent(c.content());
        ContentResult.Decoded back = assertInstanceOf(ContentResult.Decoded.class, xml.decodeContent(out),
                new String(out, StandardCharsets.UTF_8));
        assertEquals("v", back.content().get("e2m:sgn").get("nev").get("rep").get("m2m:cin").get("con").asText());
    }
}
