package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.PrimitiveParameter;
import org.m2mbridge.core.primitive.PrimitiveParameter.Http;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseTypeInfo;

/**
 * Table-driven (issue 17 item 9): every parameter {@link PrimitiveParameter} puts in an HTTP header or the query
 * string (TS-0009 6.4, table 6.2.2.2-1) goes out under its name and comes back unchanged, alone on a primitive.
 */
class HttpParameterMappingTest {
    private static final Codecs CODECS = new Codecs(CodecLimits.DEFAULT);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A value of {@code p}'s type that HTTP can carry ({@code aus}, {@code ati}: lists of plain items). */
    static Object sample(PrimitiveParameter p) {
        return switch (p.type()) {
            case STATUS -> 2001;
            case STRING -> "v-" + p.shortName();
            case INTEGER -> 7;
            case BOOLEAN -> Boolean.TRUE;
            case STRING_LIST -> List.of("a1", "b2");
            case OBJECT_LIST, NODE -> JSON.arrayNode().add("s1").add("s2");
            case RESPONSE_TYPE -> new ResponseTypeInfo(2, List.of("http://n.example/x", "/id-in/Cae1"));
            case FILTER_CRITERIA -> new FilterCriteria(Map.of("lim", JSON.numberNode(3)));
            default -> throw new IllegalArgumentException(p + " is not in a header or the query");
        };
    }

    static Stream<PrimitiveParameter> requestHeaderOrQuery() {
        return PrimitiveParameter.request().stream().filter(p -> p.http() == Http.HEADER || p.http() == Http.QUERY);
    }

    static Stream<PrimitiveParameter> responseHeaders() {
        return PrimitiveParameter.response().stream().filter(p -> p.http() == Http.HEADER);
    }

    private static RequestPrimitive.Builder base() {
        return RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in/ae1").fr("Cae1").rqi("r1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestHeaderOrQuery")
    void requestParameterRoundTrips(PrimitiveParameter p) {
        RequestPrimitive.Builder b = base();
        p.set(b, sample(p));
        RequestPrimitive r = b.build();
        HttpRequestMessage out = HttpRequestMapping.toHttp(r, CODECS.get(Serialization.JSON),
                HttpRequestMapping.MediaTypes.GENERIC);
        if (p.http() == Http.HEADER) {
            assertNotNull(out.header(HeaderParameters.name(p)), p + " header in " + out.headers());
        } else if (p != PrimitiveParameter.FC) {
            assertTrue(RequestQuery.parse(out.rawQuery()).containsKey(p.httpName()), p + " in " + out.target());
        }
        HttpRequestMapping.Inbound in = HttpRequestMapping.fromHttp(out, CODECS);
        RequestPrimitive back = assertInstanceOf(HttpRequestMapping.Inbound.Accepted.class, in, in::toString).request();
        assertEquals(sample(p), p.get(back), () -> p + " via " + out);
        assertEquals(r, back);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responseHeaders")
    void responseParameterRoundTrips(PrimitiveParameter p) throws Exception {
        ResponsePrimitive.Builder b = ResponsePrimitive.builder(2000, "r1").to("Cae1");
        p.set(b, sample(p));
        ResponsePrimitive r = b.build();
        HttpResponseMessage out = HttpResponseMapping.toHttp(r, CODECS.get(Serialization.JSON));
        assertNotNull(out.header(p.httpName()), p + " header in " + out.headers());
        ResponsePrimitive back = HttpResponseMapping.fromHttp(out, base().build(), CODECS, Serialization.JSON);
        assertEquals(sample(p), p.get(back));
        assertEquals(r, back);
    }

    /** Header names are the table's, each used once, all {@code X-M2M-*} but the tokens' Authorization. */
    @Test
    void headerNamesAreDistinct() {
        List<String> names = Stream.concat(HeaderParameters.REQUEST.stream(), HeaderParameters.RESPONSE.stream())
                .distinct().map(HeaderParameters::name).toList();
        assertEquals(names.size(), Set.copyOf(names).size(), names::toString);
        names.forEach(n -> assertTrue(n.startsWith("X-M2M-") || n.equals("Authorization"), n));
    }

    /** The query names the mapping writes are exactly the table's query parameters (fc: by its members). */
    @Test
    void queryParametersAreTheTables() {
        Set<PrimitiveParameter> table = Arrays.stream(PrimitiveParameter.values())
                .filter(p -> p.http() == Http.QUERY && p != PrimitiveParameter.FC).collect(Collectors.toSet());
        assertEquals(table, Set.copyOf(RequestQuery.PARAMETERS));
        RequestQuery.PARAMETERS.forEach(p -> assertEquals(p.shortName(), p.httpName(), "TS-0009 6.2.2.2 uses short names"));
    }
}
