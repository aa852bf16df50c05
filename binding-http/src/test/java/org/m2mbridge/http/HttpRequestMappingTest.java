package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.http.HttpRequestMapping.Inbound;
import org.m2mbridge.http.HttpRequestMapping.MediaTypes;

/**
 * Request primitive to HTTP request and back (TS-0009 6.2-6.4), branch by branch: the method of each operation,
 * the request-target and media types written, and each way an inbound request is read or refused with its rsc.
 * Parameters one by one are {@link HttpParameterMappingTest}'s; paths and queries alone are {@link TargetPathTest}'s
 * and {@link RequestQueryTest}'s.
 */
class HttpRequestMappingTest {
    private static final Codecs CODECS = new Codecs(CodecLimits.DEFAULT);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    static Stream<Arguments> methods() {
        return Stream.of(
                Arguments.of(Operation.CREATE, "POST"),
                Arguments.of(Operation.RETRIEVE, "GET"),
                Arguments.of(Operation.UPDATE, "PUT"),
                Arguments.of(Operation.DELETE, "DELETE"),
                Arguments.of(Operation.NOTIFY, "POST"));
    }

    /** TS-0009 6.2.1: CREATE and NOTIFY are both POST, told apart by {@code ty} in the Content-Type. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("methods")
    void methodOfEachOperation(Operation op, String method) {
        assertEquals(method, HttpRequestMapping.methodOf(op));
    }

    // ---- outbound --------------------------------------------------------------------------------------------

    private static ObjectNode content() {
        return JSON.objectNode().set("m2m:cin", JSON.objectNode().put("con", "1"));
    }

    private static RequestPrimitive.Builder request(Operation op, String to) {
        return RequestPrimitive.builder().op(op).to(to).fr("Cae1").rqi("r1").rvi("3");
    }

    static Stream<Arguments> targets() {
        return Stream.of(
                Arguments.of("CSE-relative", request(Operation.RETRIEVE, "cse-in/ae1"), "/cse-in/ae1"),
                Arguments.of("SP-relative", request(Operation.RETRIEVE, "/id-in/cse-in"), "/~/id-in/cse-in"),
                Arguments.of("absolute", request(Operation.RETRIEVE, "//sp.example/id-in/cse-in"),
                        "/_/sp.example/id-in/cse-in"),
                Arguments.of("no to", request(Operation.RETRIEVE, null), "/"),
                Arguments.of("to#attr: partial retrieve", request(Operation.RETRIEVE, "cse-in/ae1#lbl"),
                        "/cse-in/ae1?atrl=lbl"),
                Arguments.of("pc m2m:atrl: partial retrieve", request(Operation.RETRIEVE, "cse-in/ae1")
                        .pc(JSON.objectNode().set("m2m:atrl", JSON.arrayNode().add("rn").add("lbl"))),
                        "/cse-in/ae1?atrl=rn+lbl"),
                Arguments.of("to#attr and the query", request(Operation.RETRIEVE, "/id-in/cse-in/ae1#rn").rcn(1),
                        "/~/id-in/cse-in/ae1?rcn=1&atrl=rn"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void requestTargetOfEachToForm(String what, RequestPrimitive.Builder r, String target) {
        HttpRequestMessage m = HttpRequestMapping.toHttp(r.build(), CODECS.get(Serialization.JSON), MediaTypes.GENERIC);
        assertEquals(target, m.target());
        assertEquals(0, m.body().length, "a retrieve has no body, not even m2m:atrl");
    }

    static Stream<Arguments> mediaTypes() {
        return Stream.of(
                Arguments.of(request(Operation.CREATE, "cse-in").ty(4).pc(content()), Serialization.JSON,
                        MediaTypes.GENERIC, "application/json;ty=4", true),
                Arguments.of(request(Operation.CREATE, "cse-in").ty(4).pc(content()), Serialization.JSON,
                        MediaTypes.VND, "application/vnd.onem2m-res+json; ty=4", true),
                Arguments.of(request(Operation.CREATE, "cse-in").ty(2).pc(content()), Serialization.XML,
                        MediaTypes.GENERIC, "application/xml;ty=2", true),
                Arguments.of(request(Operation.UPDATE, "cse-in/ae1").pc(content()), Serialization.JSON,
                        MediaTypes.GENERIC, "application/json", true),
                Arguments.of(request(Operation.UPDATE, "cse-in/ae1").pc(content()), Serialization.CBOR,
                        MediaTypes.VND, "application/vnd.onem2m-res+cbor", true),
                Arguments.of(request(Operation.NOTIFY, "Cae1").pc(content()), Serialization.JSON,
                        MediaTypes.VND, "application/vnd.onem2m-ntfy+json", true),
                Arguments.of(request(Operation.NOTIFY, "Cae1"), Serialization.JSON,
                        MediaTypes.VND, null, false),                       // nothing to type
                Arguments.of(request(Operation.DELETE, "cse-in/ae1").pc(content()), Serialization.JSON,
                        MediaTypes.GENERIC, null, false),                   // a DELETE carries no content
                Arguments.of(request(Operation.RETRIEVE, "cse-in/ae1"), Serialization.JSON,
                        MediaTypes.VND, null, false));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("mediaTypes")
    void contentTypeAndBodyOfEachOperation(RequestPrimitive.Builder r, Serialization s, MediaTypes types,
                                           String contentType, boolean body) {
        RequestPrimitive p = r.build();
        HttpRequestMessage m = HttpRequestMapping.toHttp(p, CODECS.get(s), types);
        assertEquals(HttpRequestMapping.methodOf(p.op()), m.method());
        assertEquals(contentType, m.header(M2mHeaders.CONTENT_TYPE));
        assertEquals(s.genericMediaType(), m.header(M2mHeaders.ACCEPT));
        if (body) {
            assertArrayEquals(CODECS.get(s).encodeContent(p.pc()), m.body());
        } else {
            assertEquals(0, m.body().length);
        }
    }

    // ---- inbound ---------------------------------------------------------------------------------------------

    /** A request with X-M2M-RI r1, X-M2M-RVI 3, X-M2M-Origin Cae1, changed by {@code headers} (null removes). */
    private static HttpRequestMessage inbound(String method, String target, Map<String, String> headers,
                                              String body) {
        Map<String, String> h = new HashMap<>(Map.of(M2mHeaders.RI, "r1", M2mHeaders.RVI, "3",
                M2mHeaders.ORIGIN, "Cae1"));
        headers.forEach((k, v) -> {
            if (v == null) {
                h.remove(k);
            } else {
                h.put(k, v);
            }
        });
        return new HttpRequestMessage(method, target, h, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> contentType(String value) {
        return Map.of(M2mHeaders.CONTENT_TYPE, value);
    }

    static Stream<Arguments> accepted() {
        String ae = "{\"m2m:ae\":{\"api\":\"Nx\",\"rr\":false}}";
        Map<String, String> aeWithoutOrigin = new HashMap<>();
        aeWithoutOrigin.put(M2mHeaders.CONTENT_TYPE, "application/json;ty=2");
        aeWithoutOrigin.put(M2mHeaders.ORIGIN, null);
        return Stream.of(
                Arguments.of(inbound("GET", "/cse-in/ae1", Map.of(), null), Operation.RETRIEVE, "cse-in/ae1", null,
                        Serialization.JSON),
                Arguments.of(inbound("get", "/~/id-in/cse-in", Map.of(), null), Operation.RETRIEVE, "/id-in/cse-in",
                        null, Serialization.JSON),
                Arguments.of(inbound("GET", "/_/sp.example/id-in/cse-in", Map.of(), null), Operation.RETRIEVE,
                        "//sp.example/id-in/cse-in", null, Serialization.JSON),
                Arguments.of(inbound("GET", "/cse-in/a%20b?rcn=1", Map.of(), null), Operation.RETRIEVE, "cse-in/a b",
                        null, Serialization.JSON),
                Arguments.of(inbound("GET", "/cse-in/ae1?atrl=lbl", Map.of(), null), Operation.RETRIEVE,
                        "cse-in/ae1#lbl", null, Serialization.JSON),
                Arguments.of(inbound("PUT", "/cse-in/ae1", contentType("application/vnd.onem2m-res+json"), ae),
                        Operation.UPDATE, "cse-in/ae1", null, Serialization.JSON),
                Arguments.of(inbound("DELETE", "/cse-in/ae1", Map.of(), null), Operation.DELETE, "cse-in/ae1", null,
                        Serialization.JSON),
                Arguments.of(inbound("POST", "/cse-in", contentType("application/json;ty=2"), ae), Operation.CREATE,
                        "cse-in", 2, Serialization.JSON),
                Arguments.of(inbound("POST", "/cse-in", contentType("application/vnd.onem2m-res+json; TY=\"2\""), ae),
                        Operation.CREATE, "cse-in", 2, Serialization.JSON),
                Arguments.of(inbound("POST", "/cse-in", contentType("application/json; ty=2.0"), ae),
                        Operation.CREATE, "cse-in", 2, Serialization.JSON),   // tinyIoT's float
                Arguments.of(inbound("POST", "/cse-in", aeWithoutOrigin, ae), Operation.CREATE, "cse-in", 2,
                        Serialization.JSON),                               // an AE's registration may lack From
                Arguments.of(inbound("POST", "/Cae1", contentType("application/vnd.onem2m-ntfy+json"),
                        "{\"m2m:sgn\":{\"vrq\":true}}"), Operation.NOTIFY, "Cae1", null, Serialization.JSON),
                Arguments.of(inbound("POST", "/Cae1", contentType("text/xml"), null), Operation.NOTIFY, "Cae1", null,
                        Serialization.XML),
                Arguments.of(inbound("POST", "/Cae1", contentType("application/cbor"), null), Operation.NOTIFY,
                        "Cae1", null, Serialization.CBOR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void inboundRequestIsRead(HttpRequestMessage m, Operation op, String to, Integer ty, Serialization s) {
        Inbound in = HttpRequestMapping.fromHttp(m, CODECS);
        Inbound.Accepted a = assertInstanceOf(Inbound.Accepted.class, in, in::toString);
        assertEquals(op, a.request().op());
        assertEquals(to, a.request().to());
        assertEquals(ty, a.request().ty());
        assertEquals(s, a.bodySerialization());
        assertEquals("r1", a.request().rqi());
        assertEquals("3", a.request().rvi());
    }

    /** Several {@code atrl} names cannot go in one {@code to#attr}: they become {@code pc = m2m:atrl}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("severalAttributes")
    void severalAtrlNamesBecomeTheContent(String target, List<String> names) {
        Inbound in = HttpRequestMapping.fromHttp(inbound("GET", target, Map.of(), null), CODECS);
        RequestPrimitive r = assertInstanceOf(Inbound.Accepted.class, in, in::toString).request();
        assertEquals("cse-in/ae1", r.to());
        assertEquals(JSON.objectNode().set("m2m:atrl", JSON.arrayNode().addAll(names.stream().map(JSON::textNode)
                .toList())), r.pc());
    }

    static Stream<Arguments> severalAttributes() {
        return Stream.of(
                Arguments.of("/cse-in/ae1?atrl=rn+lbl", List.of("rn", "lbl")),
                Arguments.of("/cse-in/ae1?atrl=rn&atrl=lbl&atrl=ct", List.of("rn", "lbl", "ct")));
    }

    static Stream<Arguments> refused() {
        Map<String, String> noRi = new HashMap<>();
        noRi.put(M2mHeaders.RI, null);
        Map<String, String> noOrigin = new HashMap<>();
        noOrigin.put(M2mHeaders.ORIGIN, null);
        Map<String, String> containerWithoutOrigin = new HashMap<>(noOrigin);
        containerWithoutOrigin.put(M2mHeaders.CONTENT_TYPE, "application/json;ty=3");
        String cnt = "{\"m2m:cnt\":{\"rn\":\"c\"}}";
        return Stream.of(
                // name, request, rsc, rqi answered, to answered (the originator, when there is one)
                Arguments.of("no X-M2M-RI", inbound("GET", "/cse-in", noRi, null), 4000, null, "Cae1"),
                Arguments.of("blank X-M2M-RI", inbound("GET", "/cse-in", Map.of(M2mHeaders.RI, " "), null), 4000, null,
                        "Cae1"),
                Arguments.of("no From", inbound("GET", "/cse-in", noOrigin, null), 4000, "r1", null),
                Arguments.of("blank From", inbound("DELETE", "/cse-in/c", Map.of(M2mHeaders.ORIGIN, " "), null), 4000,
                        "r1", null),
                Arguments.of("no From on a CREATE but of an AE", inbound("POST", "/cse-in", containerWithoutOrigin, cnt),
                        4000, "r1", null),
                Arguments.of("method without operation", inbound("PATCH", "/cse-in", Map.of(), null), 4005, "r1",
                        "Cae1"),
                Arguments.of("ty not a number", inbound("POST", "/cse-in", contentType("application/json;ty=cnt"), cnt),
                        4000, "r1", "Cae1"),
                Arguments.of("unsupported Content-Type", inbound("PUT", "/cse-in", contentType("text/plain"), "x"),
                        4015, "r1", "Cae1"),
                Arguments.of("header not a number", inbound("GET", "/cse-in", Map.of("X-M2M-EC", "fast"), null), 4000,
                        "r1", "Cae1"),
                Arguments.of("query value not a number", inbound("GET", "/cse-in?rcn=all", Map.of(), null), 4000, "r1",
                        "Cae1"),
                Arguments.of("body not in its Content-Type", inbound("PUT", "/cse-in", contentType("application/json"),
                        "{not json"), 4000, "r1", "Cae1"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("refused")
    void inboundRequestIsRefusedWithItsRsc(String what, HttpRequestMessage m, int rsc, String rqi, String to) {
        Inbound in = HttpRequestMapping.fromHttp(m, CODECS);
        ResponsePrimitive error = assertInstanceOf(Inbound.Rejected.class, in, in::toString).error();
        assertEquals(rsc, error.rsc());
        assertEquals(rqi, error.rqi());
        assertEquals(to, error.to());
        assertEquals("3", error.rvi());
        assertEquals(ResponseFlag.BR, error.flag());
        assertTrue(error.pc().path("m2m:dbg").asText().length() > 0, error::toString);
    }

    /** {@code ty} of a Content-Type, read leniently (TS-0009 6.4.3); none for a Content-Type without it. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Serialization.class)
    void tyOfEachMediaType(Serialization s) {
        assertEquals(4, HttpRequestMapping.tyOf(s.genericMediaType() + ";ty=4").orElseThrow());
        assertEquals(4, HttpRequestMapping.tyOf(s.resourceMediaType() + "; charset=utf-8; ty=4").orElseThrow());
        assertTrue(HttpRequestMapping.tyOf(s.resourceMediaType()).isEmpty());
        assertNull(HttpRequestMapping.tyOf(null).orElse(null));
    }
}
