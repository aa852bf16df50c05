package org.m2mbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.PrimitiveParameter;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseTypeInfo;

/**
 * Table-driven: every parameter of {@link PrimitiveParameter} alone on a primitive round-trips through each codec
 * under its short name (TS-0004 table 8.2.2-1), and its JSON key is that short name.
 */
class PrimitiveParameterCodecTest {
    private static final Codecs CODECS = new Codecs(CodecLimits.DEFAULT);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A value of {@code p}'s type that every serialization can carry. */
    static Object sample(PrimitiveParameter p) {
        return switch (p.type()) {
            case OPERATION -> Operation.NOTIFY;
            case STATUS -> 2001;
            case STRING -> "v-" + p.shortName();
            case INTEGER -> 7;
            case BOOLEAN -> Boolean.TRUE;
            case STRING_LIST -> List.of("a1", "b2");
            case OBJECT_LIST -> JSON.arrayNode().add(JSON.objectNode().put("x", "1")).add(JSON.objectNode().put("x", "2"));
            case CONTENT -> JSON.objectNode().set("m2m:cin", JSON.objectNode().put("con", "21.5"));
            case NODE -> JSON.textNode("lti1:tk1");
            case RESPONSE_TYPE -> new ResponseTypeInfo(2, List.of("http://n.example/x"));
            case FILTER_CRITERIA -> new FilterCriteria(Map.of("lim", JSON.numberNode(3)));
        };
    }

    static Stream<Arguments> requestParameters() {
        return PrimitiveParameter.request().stream().flatMap(p -> Stream.of(Serialization.values())
                .map(s -> Arguments.of(p, s)));
    }

    static Stream<Arguments> responseParameters() {
        return PrimitiveParameter.response().stream().flatMap(p -> Stream.of(Serialization.values())
                .map(s -> Arguments.of(p, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("requestParameters")
    void requestParameterRoundTrips(PrimitiveParameter p, Serialization s) {
        RequestPrimitive.Builder b = RequestPrimitive.builder().op(Operation.RETRIEVE);
        p.set(b, sample(p));
        RequestPrimitive r = b.build();
        assertEquals(sample(p), p.get(r));
        for (PrimitiveParameter other : PrimitiveParameter.request()) {
            if (other != p && other != PrimitiveParameter.OP) {
                assertNull(other.get(r), other + " is set by " + p);
            }
        }
        PrimitiveCodec codec = CODECS.get(s);
        DecodeResult d = codec.decode(codec.encode(r));
        RequestPrimitive back = assertInstanceOf(RequestPrimitive.class,
                assertInstanceOf(DecodeResult.Decoded.class, d, d::toString).primitive());
        assertEquals(r, back);
        assertTrue(back.extra().isEmpty());
        assertTrue(json(r).has(p.shortName()), "JSON key " + p.shortName());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("responseParameters")
    void responseParameterRoundTrips(PrimitiveParameter p, Serialization s) {
        ResponsePrimitive.Builder b = ResponsePrimitive.builder(2000, null);
        p.set(b, sample(p));
        ResponsePrimitive r = b.build();
        assertEquals(sample(p), p.get(r));
        PrimitiveCodec codec = CODECS.get(s);
        DecodeResult d = codec.decode(codec.encode(r));
        ResponsePrimitive back = assertInstanceOf(ResponsePrimitive.class,
                assertInstanceOf(DecodeResult.Decoded.class, d, d::toString).primitive());
        assertEquals(r, back);
        assertTrue(json(r).has(p.shortName()), "JSON key " + p.shortName());
    }

    /** A parameter of the other primitive is not taken for one of this: it passes through as an unknown one. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("requestParameters")
    void requestOnlyParameterIsExtraInAResponse(PrimitiveParameter p, Serialization s) {
        if (p.inResponse() || p == PrimitiveParameter.OP || s != Serialization.JSON) { // op makes it a request
            return;
        }
        String text = "{\"rsc\":2000,\"" + p.shortName() + "\":\"x\"}";
        DecodeResult d = CODECS.get(s).decode(text.getBytes(StandardCharsets.UTF_8));
        ResponsePrimitive back = assertInstanceOf(ResponsePrimitive.class,
                assertInstanceOf(DecodeResult.Decoded.class, d, d::toString).primitive());
        assertEquals(JSON.textNode("x"), back.extra().get(p.shortName()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestParameters")
    void lookupByShortName(PrimitiveParameter p, Serialization s) {
        assertEquals(p, PrimitiveParameter.of(p.shortName()).orElseThrow());
        assertEquals(p, PrimitiveParameter.named(p.shortName()));
    }

    private static JsonNode json(Object primitive) {
        byte[] bytes = CODECS.get(Serialization.JSON).encode((org.m2mbridge.core.primitive.Primitive) primitive);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
