package org.m2mbridge.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.testing.RefusingPort;
import org.m2mbridge.http.config.HttpUpstreamSettings;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseTypeInfo;

/** The exact HTTP requests HttpUpstream sends (TS-0009 6.2-6.4), and how it reads answers and failures. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpUpstreamWireMockTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WireMockServer wm;
    private UpstreamHarness h;

    @BeforeEach
    void start() {
        wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        answer(200, Map.of("X-M2M-RSC", "2000", "X-M2M-RI", "rq-1", "Content-Type", "application/json"),
                "{\"m2m:cnt\":{\"rn\":\"data\",\"cni\":0}}");
        h = new UpstreamHarness("http://127.0.0.1:" + wm.port());
    }

    @AfterEach
    void stop() {
        h.close();
        wm.stop();
    }

    private void answer(int status, Map<String, String> headers, String body) {
        var r = aResponse().withStatus(status);
        headers.forEach(r::withHeader);
        if (body != null) {
            r.withBody(body);
        }
        wm.stubFor(any(anyUrl()).willReturn(r));
    }

    private static RequestPrimitive.Builder req(Operation op, String to) {
        return RequestPrimitive.builder().op(op).to(to).fr("Cae1").rqi("rq-1").rvi("3");
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private LoggedRequest only() {
        List<LoggedRequest> all = wm.findAll(anyRequestedFor(anyUrl()));
        assertEquals(1, all.size(), "exactly one HTTP request");
        return all.get(0);
    }

    @Test
    void createIsPostWithTyInGenericContentTypeAndContentOnlyBody() throws Exception {
        answer(201, Map.of("X-M2M-RSC", "2001", "X-M2M-RI", "rq-1", "Content-Type", "application/json"),
                "{\"m2m:ae\":{\"rn\":\"ae1\",\"aei\":\"Cae1\",\"ty\":2}}");
        ResponsePrimitive r = h.send(req(Operation.CREATE, "cse-in").ty(2)
                .pc(json("{\"m2m:ae\":{\"rn\":\"ae1\",\"api\":\"Nx\",\"rr\":true}}")).build());
        LoggedRequest q = only();
        assertEquals("POST", q.getMethod().getName());
        assertEquals("/cse-in", q.getUrl());
        assertEquals("application/json;ty=2", q.getHeader("Content-Type"));
        assertEquals("application/json", q.getHeader("Accept"));
        assertEquals("Cae1", q.getHeader("X-M2M-Origin"));
        assertEquals("rq-1", q.getHeader("X-M2M-RI"));
        assertEquals("3", q.getHeader("X-M2M-RVI"));
        assertEquals(json("{\"m2m:ae\":{\"rn\":\"ae1\",\"api\":\"Nx\",\"rr\":true}}"), json(q.getBodyAsString()));
        assertEquals(2001, r.rsc());
        assertEquals("rq-1", r.rqi());
        assertEquals("Cae1", r.pc().path("m2m:ae").path("aei").asText());
    }

    @Test
    void anUpstreamUrlWithAPathPrefixesEveryRequestTargetAndKeepsTheQuery() throws Exception {
        h.close();
        h = new UpstreamHarness("http://127.0.0.1:" + wm.port() + "/onem2m/");
        h.send(req(Operation.RETRIEVE, "cse-in/a b").rcn(4).build());
        assertEquals("/onem2m/cse-in/a%20b?rcn=4", only().getUrl());
        assertEquals("127.0.0.1:" + wm.port(), only().getHeader("Host"));
    }

    @Test
    void vndMediaTypesWhenConfiguredAsMobiusUses() throws Exception {
        h.close();
        h = new UpstreamHarness("http://127.0.0.1:" + wm.port(), "json",
                new HttpUpstreamSettings(null, null, null, null, "vnd", null, null, null, null));
        h.send(req(Operation.CREATE, "Mobius/ae1").ty(4).pc(json("{\"m2m:cin\":{\"con\":\"x\"}}")).build());
        h.send(req(Operation.NOTIFY, "/id-in/Cae1").pc(json("{\"m2m:sgn\":{\"vrq\":true}}")).build());
        List<LoggedRequest> all = wm.findAll(anyRequestedFor(anyUrl()));
        assertEquals("application/vnd.onem2m-res+json; ty=4", all.get(0).getHeader("Content-Type"));
        assertEquals("application/vnd.onem2m-ntfy+json", all.get(1).getHeader("Content-Type"));
    }

    @Test
    void retrieveUpdateDeleteNotifyUseTheirMethodsAndOnlyCreateCarriesTy() throws Exception {
        h.send(req(Operation.RETRIEVE, "cse-in/ae1/cnt").build());
        h.send(req(Operation.UPDATE, "cse-in/ae1/cnt").pc(json("{\"m2m:cnt\":{\"mni\":5}}")).build());
        h.send(req(Operation.DELETE, "cse-in/ae1").build());
        h.send(req(Operation.NOTIFY, "cse-in/ae2").pc(json("{\"m2m:sgn\":{\"sur\":\"/id-in/sub1\"}}")).build());
        List<LoggedRequest> all = wm.findAll(anyRequestedFor(anyUrl()));
        assertEquals(List.of("GET", "PUT", "DELETE", "POST"), all.stream().map(r -> r.getMethod().getName()).toList());
        assertNull(all.get(0).getHeader("Content-Type"));
        assertEquals("", all.get(0).getBodyAsString());
        assertEquals("application/json", all.get(1).getHeader("Content-Type"));
        assertEquals(json("{\"m2m:cnt\":{\"mni\":5}}"), json(all.get(1).getBodyAsString()));
        assertEquals("", all.get(2).getBodyAsString());
        assertEquals("application/json", all.get(3).getHeader("Content-Type"), "NOTIFY: no ty");
        assertEquals(json("{\"m2m:sgn\":{\"sur\":\"/id-in/sub1\"}}"), json(all.get(3).getBodyAsString()));
    }

    @Test
    void everyToFormMapsToItsPath() throws Exception {
        h.send(req(Operation.RETRIEVE, "cse-in/ae1/cnt27").build());
        h.send(req(Operation.RETRIEVE, "/cse178/cin00856").build());
        h.send(req(Operation.RETRIEVE, "//mym2msp.org/cse178/cin00856").build());
        h.send(req(Operation.RETRIEVE, "cse-in/ae1#lbl").build());
        h.send(req(Operation.RETRIEVE, "cse-in/ae1").pc(json("{\"m2m:atrl\":[\"ri\",\"lbl\",\"rr\"]}")).build());
        List<String> urls = wm.findAll(anyRequestedFor(anyUrl())).stream().map(LoggedRequest::getUrl).toList();
        assertEquals(List.of("/cse-in/ae1/cnt27", "/~/cse178/cin00856", "/_/mym2msp.org/cse178/cin00856",
                "/cse-in/ae1?atrl=lbl", "/cse-in/ae1?atrl=ri+lbl+rr"), urls);
    }

    @Test
    void requestParametersGoToTheQueryString() throws Exception {
        h.send(req(Operation.RETRIEVE, "cse-in").rt(new ResponseTypeInfo(2, List.of("http://a/n", "Cae1")))
                .rp("P1Y2M3DT10H1M0S").rcn(4).da(true).drt(2).rids(List.of("r1", "r2")).tids(List.of("t1"))
                .ltids(List.of("l1", "l2")).tqi(true).asi(false).auri(true).sqi(false).build());
        LoggedRequest q = only();
        assertEquals("/cse-in?rt=2&rp=P1Y2M3DT10H1M0S&rcn=4&da=true&drt=2&rids=r1+r2&tids=t1&ltids=l1+l2&tqi=true"
                + "&asi=false&auri=true&sqi=false", q.getUrl());
        assertEquals("http://a/n&Cae1", q.getHeader("X-M2M-RTU"));
    }

    @Test
    void filterCriteriaMembersFollowTheirKinds() throws Exception {
        JsonNode tree = json("{\"fu\":1,\"ty\":[3,4],\"lbl\":[\"tag a\",\"b+c\"],\"crb\":\"20260101T000000\","
                + "\"lim\":10,\"atr\":[{\"nm\":\"cr\",\"val\":\"Sam\"}],\"catr\":[{\"nm\":\"con\",\"val\":\"5\"}],"
                + "\"patr\":[{\"nm\":\"rn\",\"val\":\"ae1\"}],\"lvl\":2,\"ofst\":3,\"cty\":[\"text/plain:0\"]}");
        java.util.LinkedHashMap<String, JsonNode> members = new java.util.LinkedHashMap<>();
        tree.fields().forEachRemaining(e -> members.put(e.getKey(), e.getValue()));
        h.send(req(Operation.RETRIEVE, "cse-in/ae1").fc(new FilterCriteria(members)).build());
        assertEquals("/cse-in/ae1?fu=1&ty=3+4&lbl=tag%20a+b%2Bc&crb=20260101T000000&lim=10&cr=Sam&c.con=5&p.rn=ae1"
                + "&lvl=2&ofst=3&cty=text/plain:0", only().getUrl());
    }

    @Test
    void discoveryAsAcmeDoes() throws Exception {
        answer(200, Map.of("X-M2M-RSC", "2000", "X-M2M-RI", "rq-011", "Content-Type", "application/json"),
                "{\"m2m:uril\": [\"cse-in/bridgetest/data/cin_ZGYVNKqqe2\"]}");
        ResponsePrimitive r = h.send(req(Operation.RETRIEVE, "cse-in/bridgetest").rqi("rq-011")
                .fc(new FilterCriteria(Map.of("fu", json("1")))).build());
        assertEquals("/cse-in/bridgetest?fu=1", only().getUrl());
        assertEquals("cse-in/bridgetest/data/cin_ZGYVNKqqe2", r.pc().path("m2m:uril").path(0).asText());
    }

    @Test
    void everyOptionalRequestHeader() throws Exception {
        h.send(req(Operation.RETRIEVE, "cse-in").gid("g1").ot("20261125T131847").rset("20261125T131900")
                .rqet("20261125T131950").oet("20261125T131800").ec(2).vsi("vendor-x")
                .tkns(List.of("tok1", "tok2")).aus(json("[\"sig1\",\"sig2\"]")).build());
        LoggedRequest q = only();
        assertEquals("g1", q.getHeader("X-M2M-GID"));
        assertEquals("20261125T131847", q.getHeader("X-M2M-OT"));
        assertEquals("20261125T131900", q.getHeader("X-M2M-RST"));
        assertEquals("20261125T131950", q.getHeader("X-M2M-RET"));
        assertEquals("20261125T131800", q.getHeader("X-M2M-OET"));
        assertEquals("2", q.getHeader("X-M2M-EC"));
        assertEquals("vendor-x", q.getHeader("X-M2M-VSI"));
        assertEquals("tok1+tok2", q.getHeader("Authorization"));
        assertEquals("sig1+sig2", q.getHeader("X-M2M-AS"));
    }

    @Test
    void rscHeaderWinsOverHttpStatusAndResponseHeadersAreRead() throws Exception {
        answer(403, Map.of("X-M2M-RSC", "4117", "X-M2M-RI", "rq-1", "X-M2M-RVI", "3", "X-M2M-OT", "20261125T1",
                "X-M2M-EC", "3", "X-M2M-CTS", "2", "X-M2M-CTO", "10", "X-M2M-VSI", "v", "Content-Type",
                "application/json"), "{\"m2m:dbg\":\"already registered\"}");
        ResponsePrimitive r = h.send(req(Operation.CREATE, "cse-in").ty(2).pc(json("{\"m2m:ae\":{}}")).build());
        assertEquals(4117, r.rsc());
        assertEquals("3", r.rvi());
        assertEquals("20261125T1", r.ot());
        assertEquals(3, r.ec());
        assertEquals(2, r.cnst());
        assertEquals(10, r.cnot());
        assertEquals("v", r.vsi());
        assertEquals("Cae1", r.to());
        assertEquals("already registered", r.pc().path("m2m:dbg").asText());
    }

    @Test
    void anAnswerLargerThanTheConnectionBuffersFromAnUpstreamThatClosesEveryConnection() throws Exception {
        // ACME's server: Connection: close on every answer; the body is many times HttpRequestSender's buffers
        String con = "x".repeat(12 * HttpRequestSender.CONNECTION_BUFFER_BYTES);
        answer(200, Map.of("X-M2M-RSC", "2000", "X-M2M-RI", "rq-1", "Content-Type", "application/json",
                "Connection", "close"), "{\"m2m:cin\":{\"con\":\"" + con + "\"}}");
        for (int i = 0; i < 3; i++) { // a new connection for each
            ResponsePrimitive r = h.send(req(Operation.RETRIEVE, "cse-in/ae/data/la").build());
            assertEquals(2000, r.rsc());
            assertEquals(con, r.pc().path("m2m:cin").path("con").asText());
        }
        assertEquals(3, wm.findAll(anyRequestedFor(anyUrl())).size());
    }

    @Test
    void missingRscFallsBackToTheHttpClass() throws Exception {
        answer(404, Map.of(), null);
        assertEquals(4004, h.send(req(Operation.RETRIEVE, "cse-in/x").build()).rsc());
        answer(503, Map.of("Content-Type", "text/html"), "");
        assertEquals(5000, h.send(req(Operation.RETRIEVE, "cse-in/x").build()).rsc());
        answer(201, Map.of(), null);
        ResponsePrimitive created = h.send(req(Operation.CREATE, "cse-in").ty(3).pc(json("{\"m2m:cnt\":{}}")).build());
        assertEquals(2001, created.rsc());
        assertEquals("rq-1", created.rqi(), "rqi falls back to the request's");
        assertNull(created.pc(), "empty body -> no content");
    }

    @Test
    void tinyIotFloatRscAndNumbersAreRead() throws Exception {
        answer(201, Map.of("X-M2M-RSC", "2001.0", "X-M2M-RI", "rq-005", "Content-Type",
                "application/json; charset=utf-8", "Connection", "Close"),
                "{\"m2m:cnt\":{\"rn\":\"data\",\"mni\":10.0,\"ty\":3.0}}\r\n");
        ResponsePrimitive r = h.send(req(Operation.CREATE, "TinyIoT/bridgetest").ty(3)
                .pc(json("{\"m2m:cnt\":{\"rn\":\"data\",\"mni\":10}}")).build());
        assertEquals(2001, r.rsc());
        assertEquals("data", r.pc().path("m2m:cnt").path("rn").asText());
    }

    @Test
    void undecodableBodyIs5000WithDebugTextNotAnException() throws Exception {
        answer(200, Map.of("X-M2M-RSC", "2000", "Content-Type", "application/json"), "{not json");
        ResponsePrimitive r = h.send(req(Operation.RETRIEVE, "cse-in").build());
        assertEquals(5000, r.rsc());
        assertTrue(r.pc().path("m2m:dbg").asText().contains("not json"), r.pc().toString());
        assertEquals(1.0, h.errors("protocol"));
    }

    @Test
    void connectionRefusedIs5103Promptly() throws Exception {
        try (RefusingPort refusing = new RefusingPort();
             UpstreamHarness closed = new UpstreamHarness("http://127.0.0.1:" + refusing.port())) {
            long t0 = System.nanoTime();
            ResponsePrimitive r = closed.send(req(Operation.RETRIEVE, "cse-in").build(), Duration.ofSeconds(20));
            assertEquals(5103, r.rsc());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "prompt, not at the 20 s deadline");
            assertEquals(1.0, closed.errors("connect"));
            assertFalse(closed.upstream.isReachable());
        }
    }

    @Test
    void stalledUpstreamIs4008AtTheDeadline() throws Exception {
        wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("X-M2M-RSC", "2000")
                .withFixedDelay(10_000)));
        long t0 = System.nanoTime();
        ResponsePrimitive r = h.send(req(Operation.RETRIEVE, "cse-in").build(), Duration.ofMillis(400));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(4008, r.rsc());
        assertTrue(ms >= 350 && ms < 6000, "answered at the 400 ms deadline, not with the 10 s answer; took " + ms + " ms");
        assertEquals(1.0, h.errors("timeout"));
        assertTrue(h.upstream.isReachable(), "a slow upstream is still reachable");
    }

    @Test
    void cborDeviceJsonUpstreamAndPointOfAccess() throws Exception {
        assertEquals(List.of("http://127.0.0.1:8280/notify/tok123"), h.upstream.pointOfAccess("tok123", null));
        h.close();
        h = new UpstreamHarness("http://127.0.0.1:" + wm.port(), "cbor", HttpUpstreamSettings.DEFAULTS);
        byte[] cbor = h.codecs.get(org.m2mbridge.core.codec.Serialization.CBOR).encodeContent(json("{\"m2m:cnt\":{\"rn\":\"d\"}}"));
        wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201).withHeader("X-M2M-RSC", "2001")
                .withHeader("Content-Type", "application/cbor").withBody(cbor)));
        ResponsePrimitive r = h.send(req(Operation.CREATE, "cse-in/ae1").ty(3).pc(json("{\"m2m:cnt\":{\"rn\":\"d\"}}")).build());
        LoggedRequest q = only();
        assertEquals("application/cbor;ty=3", q.getHeader("Content-Type"));
        assertEquals("application/cbor", q.getHeader("Accept"));
        assertEquals(2001, r.rsc());
        assertEquals("d", r.pc().path("m2m:cnt").path("rn").asText());
    }
}
