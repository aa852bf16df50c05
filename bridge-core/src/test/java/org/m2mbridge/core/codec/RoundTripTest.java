package org.m2mbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/** Encode then decode gives the same primitive, in each format and across formats (TS-0004 8.3-8.5). */
class RoundTripTest {
    private static final Codecs CODECS = new Codecs(CodecLimits.DEFAULT);

    static Primitive decode(Serialization s, byte[] bytes) {
        DecodeResult r = CODECS.get(s).decode(bytes);
        return assertInstanceOf(DecodeResult.Decoded.class, r, () -> s + ": " + r).primitive();
    }

    static Primitive trip(Serialization s, Primitive p) {
        return decode(s, CODECS.get(s).encode(p));
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void everyRequestParameter(Serialization s) {
        RequestPrimitive full = Samples.fullRequest();
        assertEquals(full, trip(s, full));
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void everyResponseParameter(Serialization s) {
        ResponsePrimitive full = Samples.fullResponse();
        assertEquals(full, trip(s, full));
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void minimalPrimitives(Serialization s) {
        RequestPrimitive retrieve = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in").fr("C1")
                .rqi("r").rvi("3").build();
        assertEquals(retrieve, trip(s, retrieve));
        ResponsePrimitive deleted = ResponsePrimitive.builder(2002, "r").build();
        assertEquals(deleted, trip(s, deleted));
    }

    static Stream<Arguments> contents() {
        return Stream.of(Serialization.values()).flatMap(s -> Samples.CONTENTS.stream().map(c -> Arguments.of(s, c)));
    }

    @ParameterizedTest
    @MethodSource("contents")
    void typicalContentsInResponses(Serialization s, String content) {
        ResponsePrimitive r = ResponsePrimitive.builder(2000, "r-2").rvi("3").pc(Samples.json(content)).build();
        assertEquals(r, trip(s, r));
    }

    @ParameterizedTest
    @MethodSource("contents")
    void typicalContentsAsBareBodies(Serialization s, String content) {
        JsonNode pc = Samples.json(content);
        PrimitiveCodec codec = CODECS.get(s);
        ContentResult r = codec.decodeContent(codec.encodeContent(pc));
        assertEquals(pc, assertInstanceOf(ContentResult.Decoded.class, r, r::toString).content());
    }

    static Stream<Primitive> primitives() {
        Stream<Primitive> contents = Samples.CONTENTS.stream().map(c -> RequestPrimitive.builder()
                .op(Operation.NOTIFY).to("Cae").fr("/id-in").rqi("n-1").rvi("3").pc(Samples.json(c)).build());
        return Stream.concat(Stream.of(Samples.fullRequest(), Samples.fullResponse()), contents);
    }

    @ParameterizedTest
    @MethodSource("primitives")
    void jsonToXmlToCborToJson(Primitive p) {
        Primitive fromJson = decode(Serialization.JSON, CODECS.get(Serialization.JSON).encode(p));
        Primitive viaXml = trip(Serialization.XML, fromJson);
        Primitive viaCbor = trip(Serialization.CBOR, viaXml);
        Primitive back = trip(Serialization.JSON, viaCbor);
        assertEquals(p, back);
        assertEquals(List.of(p, p, p), List.of(fromJson, viaXml, viaCbor));
    }
}
