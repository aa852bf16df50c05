package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseTypeInfo;

/**
 * The query-string forms of TS-0009 6.2.2.2 (table 6.2.2.2-1) that {@link HttpParameterMappingTest}'s one-sample
 * round trips do not reach: list forms, filter-criteria members by kind, attribute filters, what peers send
 * (tinyIoT's float numbers, repeated names), escaping, and the values answered 4000.
 */
class RequestQueryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RequestPrimitive.Builder base() {
        return RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in").fr("Cae1").rqi("r1");
    }

    private static Map<String, JsonNode> members(String json) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        try {
            JSON.readTree(json).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
        return m;
    }

    private static Arguments read(String query, Function<RequestPrimitive, Object> field, Object expected) {
        return Arguments.of(query, field, expected);
    }

    static Stream<Arguments> parameters() {
        Function<RequestPrimitive, Object> fc = r -> r.fc() == null ? null : r.fc().members();
        return Stream.of(
                read("rcn=4", RequestPrimitive::rcn, 4),
                read("rcn=4.0", RequestPrimitive::rcn, 4),                      // tinyIoT writes numbers as floats
                read("rcn=1&rcn=4", RequestPrimitive::rcn, 4),                  // a single value: the last one
                read("drt=%202%20", RequestPrimitive::drt, 2),
                read("da=true", RequestPrimitive::da, true),
                read("da=1", RequestPrimitive::da, true),
                read("da=FALSE", RequestPrimitive::da, false),
                read("da=0", RequestPrimitive::da, false),
                read("rp=PT10S", RequestPrimitive::rp, "PT10S"),
                read("rp=a%26b%3Dc", RequestPrimitive::rp, "a&b=c"),
                read("rids=a+b", RequestPrimitive::rids, List.of("a", "b")),     // TS-0009: '+'-joined
                read("rids=a&rids=b", RequestPrimitive::rids, List.of("a", "b")), // or repeated
                read("rids=a%20b", RequestPrimitive::rids, List.of("a", "b")),
                read("rids=a%2Bb", RequestPrimitive::rids, List.of("a+b")),      // an escaped '+' is in the item
                read("rt=3", RequestPrimitive::rt, new ResponseTypeInfo(3, List.of())),
                read("", RequestPrimitive::rt, null),
                read("", fc, null),
                read("lim=3", fc, members("{\"lim\":3}")),
                read("fu=1&lvl=2.0", fc, members("{\"fu\":1,\"lvl\":2}")),
                read("ty=2+3", fc, members("{\"ty\":[2,3]}")),                  // integer list, '+'-joined
                read("ty=2&ty=3", fc, members("{\"ty\":[2,3]}")),               // or repeated
                read("lbl=a+b", fc, members("{\"lbl\":[\"a\",\"b\"]}")),
                read("cfq=x&crb=20250101T000000", fc, members("{\"cfq\":\"x\",\"crb\":\"20250101T000000\"}")),
                read("rn=ae1", fc, members("{\"atr\":[{\"nm\":\"rn\",\"val\":\"ae1\"}]}")), // any other name
                read("rn=a+b&rn=c", fc, members("{\"atr\":[{\"nm\":\"rn\",\"val\":\"a b\"},{\"nm\":\"rn\",\"val\":\"c\"}]}")),
                read("c.rn=x", fc, members("{\"catr\":[{\"nm\":\"rn\",\"val\":\"x\"}]}")),
                read("p.lbl=y", fc, members("{\"patr\":[{\"nm\":\"lbl\",\"val\":\"y\"}]}")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("parameters")
    void queryToPrimitive(String query, Function<RequestPrimitive, Object> field, Object expected)
            throws RequestQuery.InvalidQuery {
        RequestPrimitive.Builder b = base();
        assertEquals(List.of(), RequestQuery.decode(query, b, List.of()));
        assertEquals(expected, field.apply(b.build()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("parameters")
    void aPrimitiveReadFromTheQueryIsWrittenBackToTheSamePrimitive(String query,
            Function<RequestPrimitive, Object> field, Object expected) throws RequestQuery.InvalidQuery {
        RequestPrimitive.Builder b = base();
        RequestQuery.decode(query, b, List.of());
        RequestPrimitive r = b.build();
        RequestPrimitive.Builder again = base();
        RequestQuery.decode(RequestQuery.encode(r, List.of()), again, List.of());
        assertEquals(r, again.build(), () -> query + " -> " + RequestQuery.encode(r, List.of()));
    }

    static Stream<Arguments> notificationTargets() {
        return Stream.of(
                Arguments.of("rt=3", List.of("/id-in/Cae1"), new ResponseTypeInfo(3, List.of("/id-in/Cae1"))),
                Arguments.of("", List.of("http://n.example/x"), new ResponseTypeInfo(null, List.of("http://n.example/x"))),
                Arguments.of("rt=2", List.of(), new ResponseTypeInfo(2, List.of())));
    }

    /** {@code rt.nu} comes from X-M2M-RTU (TS-0009 6.4.1), {@code rt.rtv} from the query: one rt of both. */
    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("notificationTargets")
    void rtCombinesTheQueryAndTheHeader(String query, List<String> nu, ResponseTypeInfo rt)
            throws RequestQuery.InvalidQuery {
        RequestPrimitive.Builder b = base();
        RequestQuery.decode(query, b, nu);
        assertEquals(rt, b.build().rt());
    }

    static Stream<Arguments> attributeLists() {
        return Stream.of(
                Arguments.of("atrl=rn", List.of("rn")),
                Arguments.of("atrl=rn+lbl", List.of("rn", "lbl")),
                Arguments.of("atrl=rn&atrl=lbl", List.of("rn", "lbl")),
                Arguments.of("rcn=1&atrl=rn", List.of("rn")));
    }

    /** Partial retrieve's {@code atrl} (TS-0009 6.2.2.2) is no parameter of the primitive: returned apart. */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("attributeLists")
    void atrlIsReturnedNotSet(String query, List<String> atrl) throws RequestQuery.InvalidQuery {
        RequestPrimitive.Builder b = base();
        assertEquals(atrl, RequestQuery.decode(query, b, List.of()));
        assertNull(b.build().fc());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("rcn=x", "rcn"),
                Arguments.of("rcn=4.5", "rcn"),       // a float only when it is a whole number
                Arguments.of("rcn=", "rcn"),
                Arguments.of("rt=json", "rt"),
                Arguments.of("da=yes", "da"),
                Arguments.of("sqi=2", "sqi"),
                Arguments.of("lim=many", "lim"),
                Arguments.of("fo=", "fo"),
                Arguments.of("ty=2+x", "ty"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalid")
    void aValueThatDoesNotParseIsRefusedNamingItsParameter(String query, String name) {
        RequestQuery.InvalidQuery e = assertThrows(RequestQuery.InvalidQuery.class,
                () -> RequestQuery.decode(query, base(), List.of()));
        assertTrue(e.getMessage().startsWith("query parameter " + name + " "), e.getMessage());
    }

    static Stream<Arguments> written() {
        return Stream.of(
                Arguments.of("nothing", UnaryOperator.<RequestPrimitive.Builder>identity(), List.of(), ""),
                Arguments.of("rt: rtv only (nu goes in X-M2M-RTU)",
                        (UnaryOperator<RequestPrimitive.Builder>) b -> b.rt(new ResponseTypeInfo(3, List.of("/id-in/Cae1"))),
                        List.of(), "rt=3"),
                Arguments.of("list '+'-joined, items escaped",
                        (UnaryOperator<RequestPrimitive.Builder>) b -> b.rids(List.of("a b", "c+d", "e&f")),
                        List.of(), "rids=a%20b+c%2Bd+e%26f"),
                Arguments.of("reserved characters escaped",
                        (UnaryOperator<RequestPrimitive.Builder>) b -> b.rp("a&b=c#d"), List.of(), "rp=a%26b%3Dc%23d"),
                Arguments.of("in the table's order",
                        (UnaryOperator<RequestPrimitive.Builder>) b -> b.drt(2).rcn(4), List.of(), "rcn=4&drt=2"),
                Arguments.of("fc members by their own names",
                        (UnaryOperator<RequestPrimitive.Builder>) b -> b.fc(new FilterCriteria(members(
                                "{\"lim\":3,\"ty\":[2,3],\"lbl\":[\"a\",\"b\"],\"cfq\":\"x\"}"))),
                        List.of(), "lim=3&ty=2+3&lbl=a+b&cfq=x"),
                Arguments.of("attribute filters: atr bare, catr c., patr p.",
                        (UnaryOperator<RequestPrimitive.Builder>) b -> b.fc(new FilterCriteria(members(
                                "{\"atr\":[{\"nm\":\"rn\",\"val\":\"x\"}],\"catr\":{\"nm\":\"rn\",\"val\":\"y\"},"
                                        + "\"patr\":[{\"nm\":\"lbl\",\"val\":[\"p\",\"q\"]},{\"val\":\"nameless\"}]}"))),
                        List.of(), "rn=x&c.rn=y&p.lbl=p+q"),
                Arguments.of("gq has no query form: not sent",
                        (UnaryOperator<RequestPrimitive.Builder>) b -> b.fc(new FilterCriteria(members(
                                "{\"gq\":{\"a\":1},\"lim\":1}"))),
                        List.of(), "lim=1"),
                Arguments.of("atrl last",
                        (UnaryOperator<RequestPrimitive.Builder>) b -> b.rcn(1), List.of("rn", "lbl"), "rcn=1&atrl=rn+lbl"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("written")
    void primitiveToQuery(String what, UnaryOperator<RequestPrimitive.Builder> with, List<String> atrl,
                          String query) {
        assertEquals(query, RequestQuery.encode(with.apply(base()).build(), atrl));
    }
}
