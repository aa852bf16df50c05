package org.m2mbridge.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;

/** DemoCse through {@code handle} only (TEST/DEMO peer): no transport, a recording notification transport. */
@Timeout(30)
class DemoCseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Sent(URI poa, RequestPrimitive request, Thread thread) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private volatile int answer = 2000;
    private DemoCse cse;
    private int rqi;

    @BeforeEach
    void start() {
        cse = new DemoCse(new DemoCse.Settings("/id-in", "cse-in", Duration.ofSeconds(2)));
        NotificationTransport recording = (poa, notify) -> {
            sent.add(new Sent(poa, notify, Thread.currentThread()));
            return CompletableFuture.completedFuture(ResponsePrimitive.builder(answer, notify.rqi()).build());
        };
        cse.registerTransport("http", recording);
        cse.registerTransport("mqtt", recording);
    }

    @AfterEach
    void stop() {
        cse.close();
    }

    @Test
    void registersAnAeLikeAcme() throws Exception {
        ResponsePrimitive rsp = create("Cbridgetest", "cse-in", 2,
                "{\"m2m:ae\":{\"rn\":\"bridgetest\",\"api\":\"Nbridgetest\",\"rr\":true,\"srv\":[\"3\"],"
                        + "\"poa\":[\"http://127.0.0.1:9999\"]}}");
        assertEquals(2001, rsp.rsc());
        assertEquals("/id-in", rsp.fr());
        assertEquals("Cbridgetest", rsp.to());
        JsonNode ae = rsp.pc().get("m2m:ae");
        assertEquals("Cbridgetest", ae.get("aei").asText());
        assertEquals("Cbridgetest", ae.get("ri").asText());
        assertEquals("id-in", ae.get("pi").asText());
        assertEquals(2, ae.get("ty").asInt());
        assertEquals("http://127.0.0.1:9999", ae.get("poa").get(0).asText());
        assertTrue(ae.has("ct") && ae.has("et"));

        // the same originator again: ACME answers 4117 (fixture http-03)
        assertEquals(4117, create("Cbridgetest", "cse-in", 2, "{\"m2m:ae\":{\"rn\":\"other\",\"api\":\"Nx\"}}").rsc());
        // another originator, same rn: 4105
        assertEquals(4105, create("Cother", "cse-in", 2, "{\"m2m:ae\":{\"rn\":\"bridgetest\",\"api\":\"Nx\"}}").rsc());
    }

    @Test
    void assignsAnAeIdWhenTheOriginatorAsksForOne() throws Exception {
        for (String fr : new String[] {"C", "S", null}) {
            ResponsePrimitive rsp = create(fr, "cse-in", 2, "{\"m2m:ae\":{\"api\":\"Nanon\",\"rr\":false}}");
            assertEquals(2001, rsp.rsc());
            String aei = rsp.pc().get("m2m:ae").get("aei").asText();
            assertTrue(aei.startsWith("C") && aei.length() > 5, aei);
            assertEquals(2000, retrieve(aei, aei).rsc(), "the new AE can act with its assigned ID");
        }
    }

    @Test
    void keepsAnSOriginatorsIdAsAcmeDoes() throws Exception {
        ResponsePrimitive rsp = create("STHYME1", "cse-in", 2, "{\"m2m:ae\":{\"rn\":\"thyme\",\"api\":\"Nthyme\"}}");
        assertEquals("STHYME1", rsp.pc().get("m2m:ae").get("aei").asText());
    }

    @Test
    void aStrictCseRefusesWhatAReleaseThreeCseRefuses() throws Exception {
        cse.close();
        cse = new DemoCse(DemoCse.Settings.defaults().strictly());
        String ae = "{\"m2m:ae\":{\"rn\":\"s\",\"api\":\"Ns\",\"srv\":[\"3\"]}}";
        ResponsePrimitive noRvi = send(RequestPrimitive.builder().op(Operation.CREATE).to("cse-in").fr("Cs")
                .rqi("s1").ty(2).pc(json(ae)).build());
        assertEquals(4001, noRvi.rsc());
        assertEquals(4000, create("Cs", "/cse-in", 2, ae).rsc(), "the CSEBase name written as a CSE-ID");
        assertEquals(4000, create("Cs", "cse-in", 2, "{\"m2m:ae\":{\"rn\":\"s\",\"api\":\"Ns\"}}").rsc(), "no srv");
        assertEquals(2001, create("Cs", "cse-in", 2, ae).rsc());
        assertEquals(2000, retrieve("Cs", "/id-in/cse-in/s").rsc(), "SP-relative with its own CSE-ID is fine");
    }

    @Test
    void retrievesByEveryAddressForm() throws Exception {
        register("Cae1", "ae1");
        ResponsePrimitive cb = retrieve("Cae1", "cse-in");
        assertEquals(2000, cb.rsc());
        assertEquals("/id-in", cb.pc().get("m2m:cb").get("csi").asText());
        assertEquals("cse-in", cb.pc().get("m2m:cb").get("rn").asText());
        for (String to : List.of("cse-in/ae1", "Cae1", "/id-in/cse-in/ae1", "-/ae1", "/id-in/Cae1",
                "//acme.example.com/id-in/cse-in/ae1")) {
            ResponsePrimitive rsp = retrieve("Cae1", to);
            assertEquals(2000, rsp.rsc(), to);
            assertEquals("Cae1", rsp.pc().get("m2m:ae").get("aei").asText(), to);
        }
        assertEquals(2000, retrieve("/id-in/Cae1", "/id-in").rsc(), "SP-relative originator, CSEBase by CSE-ID");
        assertEquals(4004, retrieve("Cae1", "cse-in/doesnotexist").rsc());
        assertEquals(4004, retrieve("Cae1", "/other-cse/cse-in/ae1").rsc(), "no transit");
    }

    @Test
    void createsContainersAndContentInstancesAndServesLatest() throws Exception {
        register("Cae1", "ae1");
        ResponsePrimitive cnt = create("Cae1", "cse-in/ae1", 3, "{\"m2m:cnt\":{\"rn\":\"data\",\"mni\":2}}");
        assertEquals(2001, cnt.rsc());
        assertEquals(0, cnt.pc().get("m2m:cnt").get("cni").asInt());
        for (String con : List.of("1", "22", "333")) {
            assertEquals(2001, create("Cae1", "cse-in/ae1/data", 4, "{\"m2m:cin\":{\"con\":\"" + con + "\"}}").rsc());
        }
        ResponsePrimitive la = retrieve("Cae1", "cse-in/ae1/data/la");
        assertEquals("333", la.pc().get("m2m:cin").get("con").asText());
        assertEquals(3, la.pc().get("m2m:cin").get("cs").asInt());
        assertEquals("22", retrieve("Cae1", "cse-in/ae1/data/ol").pc().get("m2m:cin").get("con").asText(),
                "mni=2 removed the oldest");
        JsonNode container = retrieve("Cae1", "cse-in/ae1/data").pc().get("m2m:cnt");
        assertEquals(2, container.get("cni").asInt());
        assertEquals(5, container.get("cbs").asInt());
        assertEquals(4105, create("Cae1", "cse-in/ae1", 3, "{\"m2m:cnt\":{\"rn\":\"data\"}}").rsc());
        assertEquals(4108, create("Cae1", "cse-in/ae1", 4, "{\"m2m:cin\":{\"con\":\"x\"}}").rsc(),
                "a contentInstance only lives under a container");
    }

    @Test
    void checksTheOriginator() throws Exception {
        register("Cae1", "ae1");
        assertEquals(4000, send(RequestPrimitive.builder().op(Operation.CREATE).to("cse-in/ae1").rqi("q").rvi("3")
                .ty(3).pc(json("{\"m2m:cnt\":{\"rn\":\"c\"}}")).build()).rsc(), "missing fr on a non-AE create");
        assertEquals(4103, create("Cnobody", "cse-in/ae1", 3, "{\"m2m:cnt\":{\"rn\":\"c\"}}").rsc());
        assertEquals(4103, retrieve("Cnobody", "cse-in").rsc(), "as ACME fixture mqtt-12");
        assertEquals(2000, retrieve(DemoCse.ADMIN_ORIGINATOR, "cse-in/ae1").rsc());
    }

    @Test
    void dropsExpiredRequests() throws Exception {
        register("Cae1", "ae1");
        assertEquals(4008, send(RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in").fr("Cae1").rqi("old")
                .rvi("3").rqet("20200101T000000").build()).rsc());
        assertEquals(2000, send(RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in").fr("Cae1").rqi("new")
                .rvi("3").rqet("60000").build()).rsc(), "relative rqet of one minute");
    }

    @Test
    void updatesAndDeregisters() throws Exception {
        register("Cae1", "ae1");
        ResponsePrimitive upd = send(RequestPrimitive.builder().op(Operation.UPDATE).to("cse-in/ae1").fr("Cae1")
                .rqi("u1").rvi("3").pc(json("{\"m2m:ae\":{\"poa\":[\"http://h:1/n\"],\"lbl\":[\"x\"]}}")).build());
        assertEquals(2004, upd.rsc());
        assertEquals("http://h:1/n", upd.pc().get("m2m:ae").get("poa").get(0).asText());
        assertEquals("x", retrieve("Cae1", "Cae1").pc().get("m2m:ae").get("lbl").get(0).asText());
        assertEquals(4000, send(RequestPrimitive.builder().op(Operation.UPDATE).to("cse-in/ae1").fr("Cae1")
                .rqi("u2").rvi("3").pc(json("{\"m2m:ae\":{\"aei\":\"Cx\"}}")).build()).rsc(), "aei is read-only");

        assertEquals(2002, send(RequestPrimitive.builder().op(Operation.DELETE).to("cse-in/ae1").fr("Cae1").rqi("d1")
                .rvi("3").build()).rsc());
        assertEquals(4004, retrieve(DemoCse.ADMIN_ORIGINATOR, "cse-in/ae1").rsc());
        assertEquals(4103, retrieve("Cae1", "cse-in").rsc(), "the AE-ID is no longer registered");
        assertEquals(2001, register("Cae1", "ae1").rsc(), "the AE-ID is free again");
    }

    @Test
    void notifiesTheSubscriberOffTheRequestThread() throws Exception {
        register("Cae1", "ae1", "mqtt://127.0.0.1:1883");
        assertEquals(2001, create("Cae1", "cse-in/ae1", 3, "{\"m2m:cnt\":{\"rn\":\"data\"}}").rsc());
        ResponsePrimitive sub = create("Cae1", "cse-in/ae1/data", 23,
                "{\"m2m:sub\":{\"rn\":\"sub\",\"nu\":[\"Cae1\"],\"enc\":{\"net\":[3]}}}");
        assertEquals(2001, sub.rsc());
        assertEquals(1, sub.pc().get("m2m:sub").get("nct").asInt());
        assertTrue(sent.isEmpty(), "no verification request when nu is the subscriber itself (ACME)");

        assertEquals(2001, create("Cae1", "cse-in/ae1/data", 4, "{\"m2m:cin\":{\"con\":\"21.5\"}}").rsc());
        Await.until(Duration.ofSeconds(5), () -> sent.size() == 1);
        Sent n = sent.get(0);
        assertEquals(URI.create("mqtt://127.0.0.1:1883"), n.poa());
        assertEquals(Operation.NOTIFY, n.request().op());
        assertEquals("Cae1", n.request().to());
        assertEquals("/id-in", n.request().fr());
        JsonNode sgn = n.request().pc().get("m2m:sgn");
        assertEquals(3, sgn.get("nev").get("net").asInt());
        assertEquals("21.5", sgn.get("nev").get("rep").get("m2m:cin").get("con").asText());
        assertEquals("/id-in/" + sub.pc().get("m2m:sub").get("ri").asText(), sgn.get("sur").asText());
        assertTrue(n.thread().getName().startsWith("demo-cse-notify"), n.thread().getName());
    }

    @Test
    void verifiesAUrlTargetAndFailsWith5204WhenRefused() throws Exception {
        register("Cae1", "ae1");
        assertEquals(2001, create("Cae1", "cse-in/ae1", 3, "{\"m2m:cnt\":{\"rn\":\"data\"}}").rsc());
        ResponsePrimitive ok = create("Cae1", "cse-in/ae1/data", 23,
                "{\"m2m:sub\":{\"rn\":\"s1\",\"nu\":[\"http://127.0.0.1:9999/notify\"]}}");
        assertEquals(2001, ok.rsc());
        assertEquals(1, sent.size());
        JsonNode vrq = sent.get(0).request().pc().get("m2m:sgn");
        assertTrue(vrq.get("vrq").asBoolean());
        assertEquals("Cae1", vrq.get("cr").asText());
        assertEquals("/id-in/" + ok.pc().get("m2m:sub").get("ri").asText(), vrq.get("sur").asText());
        assertEquals("http://127.0.0.1:9999/notify", sent.get(0).request().to());

        answer = 4000;
        assertEquals(5204, create("Cae1", "cse-in/ae1/data", 23,
                "{\"m2m:sub\":{\"rn\":\"s2\",\"nu\":[\"http://127.0.0.1:9999/notify\"]}}").rsc());
        assertEquals(4004, retrieve("Cae1", "cse-in/ae1/data/s2").rsc(), "refused subscription not created");
        assertEquals(5204, create("Cae1", "cse-in/ae1/data", 23,
                "{\"m2m:sub\":{\"rn\":\"s3\",\"nu\":[\"Cunknown\"]}}").rsc(), "unreachable nu");
    }

    @Test
    void sendsADeletionNotificationWhenTheSubscriberIsDeleted() throws Exception {
        register("Cae1", "ae1", "http://127.0.0.1:1/n");
        assertEquals(2001, create("Cae1", "cse-in/ae1", 3, "{\"m2m:cnt\":{\"rn\":\"data\"}}").rsc());
        String subRi = create("Cae1", "cse-in/ae1/data", 23, "{\"m2m:sub\":{\"rn\":\"s\",\"nu\":[\"Cae1\"]}}")
                .pc().get("m2m:sub").get("ri").asText();
        assertEquals(2002, send(RequestPrimitive.builder().op(Operation.DELETE).to("Cae1").fr("Cae1").rqi("d")
                .rvi("3").build()).rsc());
        Await.until(Duration.ofSeconds(5), () -> sent.size() == 1);
        JsonNode sgn = sent.get(0).request().pc().get("m2m:sgn");
        assertTrue(sgn.get("sud").asBoolean());
        assertEquals("/id-in/" + subRi, sgn.get("sur").asText());
        assertEquals(URI.create("http://127.0.0.1:1/n"), sent.get(0).poa(), "resolved before the AE was removed");
    }

    @Test
    void filtersByEventType() throws Exception {
        register("Cae1", "ae1", "http://127.0.0.1:1/n");
        assertEquals(2001, create("Cae1", "cse-in/ae1", 3, "{\"m2m:cnt\":{\"rn\":\"data\"}}").rsc());
        assertEquals(2001, create("Cae1", "cse-in/ae1/data", 23,
                "{\"m2m:sub\":{\"rn\":\"upd\",\"nu\":[\"Cae1\"],\"enc\":{\"net\":[1]}}}").rsc());
        assertEquals(2001, create("Cae1", "cse-in/ae1/data", 23,
                "{\"m2m:sub\":{\"rn\":\"any\",\"nu\":[\"cse-in/ae1\"]}}").rsc());
        assertEquals(2001, create("Cae1", "cse-in/ae1/data", 4, "{\"m2m:cin\":{\"con\":\"x\"}}").rsc());
        Await.until(Duration.ofSeconds(5), () -> sent.size() == 1);
        assertTrue(sent.get(0).request().pc().get("m2m:sgn").get("sur").asText().startsWith("/id-in/sub"));
        // only the sub without enc fired; give a wrong second notification a moment to show up
        assertFalse(Await.within(Duration.ofMillis(300), () -> sent.size() > 1));
    }

    // ---- helpers ----

    private ResponsePrimitive register(String aei, String rn, String... poa) throws Exception {
        StringBuilder p = new StringBuilder();
        for (String s : poa) {
            p.append(p.length() == 0 ? "" : ",").append('"').append(s).append('"');
        }
        return create(aei, "cse-in", 2, "{\"m2m:ae\":{\"rn\":\"" + rn + "\",\"api\":\"N" + rn + "\",\"rr\":true,"
                + "\"poa\":[" + p + "]}}");
    }

    private ResponsePrimitive create(String fr, String to, int ty, String pc) throws Exception {
        return send(RequestPrimitive.builder().op(Operation.CREATE).to(to).fr(fr).rqi("c" + (++rqi)).rvi("3").ty(ty)
                .pc(json(pc)).build());
    }

    private ResponsePrimitive retrieve(String fr, String to) throws Exception {
        return send(RequestPrimitive.builder().op(Operation.RETRIEVE).to(to).fr(fr).rqi("r" + (++rqi)).rvi("3").build());
    }

    private ResponsePrimitive send(RequestPrimitive request) throws Exception {
        ResponsePrimitive rsp = cse.handle(request).get(5, TimeUnit.SECONDS);
        assertEquals(request.rqi(), rsp.rqi());
        return rsp;
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }
}
