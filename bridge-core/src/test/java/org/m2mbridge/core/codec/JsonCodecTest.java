package org.m2mbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/** JSON (TS-0004 8.4): canonical text, peer dialects, malformed input. */
class JsonCodecTest {
    private final JsonCodec codec = new JsonCodec(CodecLimits.DEFAULT);

    static final String FULL_REQUEST = "{\"op\":1,\"to\":\"/id-in/cse-in\",\"fr\":\"Cae1\",\"rqi\":\"r-1\",\"ty\":3,"
            + "\"pc\":{\"m2m:cnt\":{\"rn\":\"c1\",\"lbl\":[\"a\",\"b\"],\"mni\":10}},\"rids\":[\"role1\",\"role2\"],"
            + "\"ot\":\"20261125T132102\",\"rqet\":\"20261125T132202\",\"rset\":\"3600000\",\"oet\":\"20261125T132102,123\","
            + "\"rt\":{\"rtv\":2,\"nu\":[\"Cae1\",\"/id-in/cse-in/Cae1\"]},\"rp\":\"20261126T000000\",\"rcn\":1,\"ec\":2,"
            + "\"da\":false,\"gid\":\"g-1\",\"fc\":{\"crb\":\"20261125T132102\",\"sts\":5,\"lbl\":[\"tag\",\"x\"],\"ty\":[3,4],"
            + "\"cty\":[\"text/plain\"],\"atr\":[{\"nm\":\"cr\",\"val\":\"Sam\"}],\"fu\":1,\"lim\":10,\"lvl\":2,\"arp\":\"la\"},"
            + "\"drt\":2,\"tkns\":[\"tok1\",\"tok2\"],\"tids\":[\"tid1\"],\"ltids\":[\"lt1\"],\"tqi\":true,"
            + "\"grtm\":[\"/id-in/m1\",\"/id-in/m2\"],\"asi\":true,\"aus\":[{\"sit\":\"jws\",\"sig\":\"abc\"}],\"auri\":false,"
            + "\"sqi\":false,\"rvi\":\"3\",\"vsi\":\"vendor-x\",\"xyz\":\"custom\"}";

    static final String FULL_RESPONSE = "{\"rsc\":2001,\"rqi\":\"r-1\",\"pc\":{\"m2m:cnt\":{\"rn\":\"c1\",\"ri\":\"cnt123\","
            + "\"ty\":3,\"st\":0}},\"to\":\"Cae1\",\"fr\":\"/id-in\",\"ot\":\"20261125T132102\",\"rset\":\"20261125T142102\","
            + "\"ec\":3,\"cnst\":2,\"cnot\":5,\"ati\":{\"lai\":{\"lti\":\"lt1\",\"tkid\":\"tk1\"}},\"tqf\":{\"tqi\":{\"dasi\":\"x\"}},"
            + "\"asri\":true,\"rvi\":\"2a\",\"vsi\":\"vendor-y\",\"drt\":1}";

    private DecodeResult decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private DecodeResult.Failed failed(String json) {
        DecodeResult r = decode(json);
        return assertInstanceOf(DecodeResult.Failed.class, r, () -> "decoded: " + r);
    }

    private RequestPrimitive request(String json) {
        DecodeResult r = decode(json);
        return r.request().orElseThrow(() -> new AssertionError("not a request: " + r));
    }

    @Test
    void handWrittenCanonicalTextDecodesToEveryParameter() {
        assertEquals(Samples.fullRequest(), request(FULL_REQUEST));
        assertEquals(Samples.fullResponse(), decode(FULL_RESPONSE).response().orElseThrow());
    }

    @Test
    void encodeIsCanonicalText() {
        assertEquals(FULL_REQUEST, new String(codec.encode(Samples.fullRequest()), StandardCharsets.UTF_8));
        assertEquals(FULL_RESPONSE, new String(codec.encode(Samples.fullResponse()), StandardCharsets.UTF_8));
    }

    @Test
    void duplicateKeysAreRefusedAtEveryLevelWithTheRqi() {
        // RFC 8259 4 leaves duplicates to the receiver; forwarding one of two different "to"s would be a guess
        DecodeResult.Failed top = failed("{\"op\":2,\"to\":\"a\",\"to\":\"b\",\"rqi\":\"d1\"}");
        assertEquals(ResponseStatusCode.BAD_REQUEST, top.status());
        assertEquals(Optional.of("d1"), top.rqi());
        assertTrue(top.reason().contains("uplicate"), top.reason());
        DecodeResult.Failed nested = failed("{\"op\":1,\"to\":\"a\",\"rqi\":\"d2\",\"ty\":4,"
                + "\"pc\":{\"m2m:cin\":{\"con\":\"1\",\"con\":\"2\"}}}");
        assertEquals(Optional.of("d2"), nested.rqi());
        assertInstanceOf(ContentResult.Failed.class, codec.decodeContent("{\"a\":1,\"a\":1}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void numbersAsNumbersAndRviAsString() {
        RequestPrimitive r = request("{\"op\":\"2\",\"to\":\"x\",\"rqi\":\"1\",\"rvi\":3,\"rcn\":\"4\",\"drt\":1.0}");
        String out = new String(codec.encode(r), StandardCharsets.UTF_8);
        assertEquals("{\"op\":2,\"to\":\"x\",\"rqi\":\"1\",\"rcn\":4,\"drt\":1,\"rvi\":\"3\"}", out);
    }

    @Test
    void thymeStringNumbersAreCanonicalised() {
        RequestPrimitive r = request("{\"op\":\"1\",\"to\":\"/Mobius/THYME1/led\",\"fr\":\"STHYME1\",\"rqi\":\"oB5\",\"ty\":\"23\","
                + "\"pc\":{\"m2m:sub\":{\"rn\":\"sub1\",\"enc\":{\"net\":[\"3\"]},\"nu\":[\"mqtt://x\"],\"nct\":\"2\"}},"
                + "\"rt\":{\"rtv\":\"3\"},\"fc\":{\"fu\":\"1\",\"ty\":\"3\",\"lim\":2.0},\"da\":\"true\"}");
        assertEquals(Operation.CREATE, r.op());
        assertEquals(23, r.ty());
        assertNull(r.rvi());
        assertEquals(Samples.json("{\"m2m:sub\":{\"rn\":\"sub1\",\"enc\":{\"net\":[3]},\"nu\":[\"mqtt://x\"],\"nct\":2}}"), r.pc());
        assertEquals(3, r.rt().rtv());
        assertEquals(Samples.json("{\"fu\":1,\"ty\":[3],\"lim\":2}"), FilterCriteriaTree.write(r.fc()));
        assertEquals(Boolean.TRUE, r.da());
        ResponsePrimitive ae = decode("{\"rsc\":2001,\"rqi\":\"x\",\"pc\":{\"m2m:ae\":{\"rr\":\"true\",\"poa\":\"http://a\"}}}")
                .response().orElseThrow();
        assertEquals(Samples.json("{\"m2m:ae\":{\"rr\":true,\"poa\":[\"http://a\"]}}"), ae.pc());
    }

    @Test
    void tinyIotFloatsAreCanonicalised() {
        ResponsePrimitive r = decode("{\"rsc\":2001.0,\"rqi\":\"mq-004\",\"rvi\":\"3\",\"pc\":{\"m2m:sub\":{\"rn\":\"sub\","
                + "\"enc\":{\"net\":[1.0,3.0]},\"ty\":23.0,\"con\":2.0,\"zzz\":\"7\"}}}").response().orElseThrow();
        assertEquals(2001, r.rsc());
        assertEquals(Samples.json("{\"m2m:sub\":{\"rn\":\"sub\",\"enc\":{\"net\":[1,3]},\"ty\":23,\"con\":2.0,\"zzz\":\"7\"}}"),
                r.pc(), "known integers canonical; con and unknown attributes as received");
    }

    @Test
    void wrappersAreStripped() {
        RequestPrimitive r = request("{\"m2m:rqp\":{\"op\":2,\"to\":\"Mobius/wsae\",\"fr\":\"Swsae\",\"rqi\":\"ws-008\",\"rvi\":\"2a\"}}");
        assertEquals("ws-008", r.rqi());
        assertEquals("2a", r.rvi());
        assertEquals(4004, decode("{\"m2m:rsp\":{\"rsc\":4004,\"rqi\":\"q\"}}").response().orElseThrow().rsc());
    }

    @Test
    void unknownParametersAreKeptInOrderAndEmittedAgain() {
        String in = "{\"op\":2,\"to\":\"x\",\"rqi\":\"q\",\"zz\":{\"a\":[1,2]},\"aa\":null,\"mm\":\"3\"}";
        RequestPrimitive r = request(in);
        assertEquals(List.of("zz", "aa", "mm"), List.copyOf(r.extra().keySet()));
        assertEquals(in, new String(codec.encode(r), StandardCharsets.UTF_8));
    }

    @Test
    void missingRqiIsForTheBindingToJudge() {
        RequestPrimitive r = request("{\"op\":2,\"to\":\"cse-in/wsae\",\"fr\":\"Cwsae\",\"rvi\":\"3\"}");
        assertNull(r.rqi());
    }

    @Test
    void contentStringAndNullValuesPassThrough() {
        ResponsePrimitive r = decode("{\"rsc\":4000,\"rqi\":\"\",\"rvi\":\"2a\",\"pc\":\"to parsing error\"}").response().orElseThrow();
        assertEquals("to parsing error", r.pc().textValue());
        ResponsePrimitive cb = decode("{\"rsc\":2000,\"rqi\":\"q\",\"pc\":{\"m2m:cb\":{\"pi\":null,\"cst\":1}}}").response().orElseThrow();
        assertTrue(cb.pc().get("m2m:cb").get("pi").isNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"op\":2.5,\"to\":\"x\",\"rqi\":\"q-1\",\"rvi\":\"3\"}",
        "{\"op\":\"x\",\"to\":\"x\",\"rqi\":\"q-1\",\"rvi\":\"3\"}",
        "{\"op\":9,\"to\":\"cse-in\",\"rqi\":\"q-1\",\"rvi\":\"3\"}",
        "{\"op\":2,\"to\":\"x\",\"rqi\":\"q-1\",\"rvi\":\"3\",\"ty\":\"abc\"}",
        "{\"op\":2,\"to\":\"x\",\"rqi\":\"q-1\",\"rvi\":\"3\",\"rt\":{\"rtv\":2.5}}",
        "{\"op\":2,\"to\":\"x\",\"rqi\":\"q-1\",\"rvi\":\"3\",\"fc\":{\"lim\":\"many\"}}",
        "{\"op\":2,\"to\":\"x\",\"rqi\":\"q-1\",\"rvi\":\"3\",\"da\":\"maybe\"}",
        "{\"op\":2,\"to\":{\"a\":1},\"rqi\":\"q-1\",\"rvi\":\"3\"}",
        "{\"rqi\":\"q-1\",\"rvi\":\"3\",\"to\":\"x\"}",
        "{\"op\":2,\"to\":\"x\",\"rqi\":\"q-1\",\"rvi\":\"3\",\"op\":3}",
        "{\"op\":2,\"to\":\"x\",\"rqi\":\"q-1\",\"rvi\":\"3\"} trailing",
        "{\"op\":2,\"to\":\"x\",\"rqi\":\"q-1\",\"rvi\":\"3\"}{}",
        "{\"op\":2,\"to\":\"x\",\"rqi\":\"q-1\",\"rvi\":\"3\",\"pc\":{\"m2m:cnt\":{",
    })
    void malformedRequestsFailWithTheirRqi(String json) {
        DecodeResult.Failed f = failed(json);
        assertEquals(ResponseStatusCode.BAD_REQUEST, f.status());
        assertEquals(Optional.of("q-1"), f.rqi(), f.reason());
        assertEquals(Optional.of("3"), f.rvi());
        assertFalse(f.tooLarge());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json at all", "[1,2]", "\"str\"", "42", "null", "{", "{\"op\":}", "{'op':1}"})
    void garbageFails(String json) {
        DecodeResult.Failed f = failed(json);
        assertEquals(ResponseStatusCode.BAD_REQUEST, f.status());
        assertTrue(f.rqi().isEmpty());
        assertFalse(f.reason().isBlank());
    }

    @Test
    void invalidUtf8Fails() {
        byte[] bytes = {'{', '"', 'o', 'p', '"', ':', '1', ',', '"', 't', 'o', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertInstanceOf(DecodeResult.Failed.class, codec.decode(bytes));
        assertInstanceOf(ContentResult.Failed.class, codec.decodeContent(bytes));
    }

    @Test
    void deepNestingIsRefusedAsTooLarge() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        DecodeResult.Failed f = failed(deep);
        assertTrue(f.tooLarge(), f.reason());
        String deepPc = "{\"op\":1,\"rqi\":\"q-9\",\"pc\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_001);
        DecodeResult.Failed g = failed(deepPc);
        assertTrue(g.tooLarge());
        assertEquals(Optional.of("q-9"), g.rqi());
        ContentResult c = codec.decodeContent(deep.getBytes(StandardCharsets.UTF_8));
        assertTrue(assertInstanceOf(ContentResult.Failed.class, c).tooLarge());
    }

    @Test
    void oversizeInputIsRefusedBeforeParsing() {
        JsonCodec small = new JsonCodec(new CodecLimits(100, 16));
        String big = "{\"op\":2,\"rqi\":\"q-big\",\"to\":\"" + "x".repeat(200) + "\"}";
        DecodeResult.Failed f = assertInstanceOf(DecodeResult.Failed.class, small.decode(big.getBytes(StandardCharsets.UTF_8)));
        assertTrue(f.tooLarge());
        assertEquals(Optional.of("q-big"), f.rqi());
        ContentResult c = small.decodeContent(big.getBytes(StandardCharsets.UTF_8));
        assertTrue(assertInstanceOf(ContentResult.Failed.class, c).tooLarge());
    }

    @Test
    void failedGivesTheErrorResponse() {
        ResponsePrimitive r = failed("{\"op\":9,\"rqi\":\"mq-bad-op\",\"rvi\":\"3\"}").toResponse();
        assertEquals(4000, r.rsc());
        assertEquals("mq-bad-op", r.rqi());
        assertTrue(r.pc().get("m2m:dbg").textValue().contains("op"));
    }

    @Test
    void contentBodies() {
        assertNull(assertInstanceOf(ContentResult.Decoded.class, codec.decodeContent(new byte[0])).content());
        ContentResult c = codec.decodeContent("{\"m2m:cnt\":{\"rn\":\"data\",\"mni\":10.0,\"ty\":3.0,\"st\":\"0\"}}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(Samples.json("{\"m2m:cnt\":{\"rn\":\"data\",\"mni\":10,\"ty\":3,\"st\":0}}"),
                assertInstanceOf(ContentResult.Decoded.class, c).content());
        assertInstanceOf(ContentResult.Failed.class, codec.decodeContent("{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)));
        assertInstanceOf(ContentResult.Failed.class, codec.decodeContent("{} x".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"m2m:dbg\":\"x\"}", new String(codec.encodeContent(Samples.json("{\"m2m:dbg\":\"x\"}")),
                StandardCharsets.UTF_8));
        assertEquals(0, codec.encodeContent(null).length);
    }
}
