package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

@Timeout(20)
class PrimitiveBusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ScriptedUpstream upstream = new ScriptedUpstream("in-cse", "/id-in");
    private final TestBus t = new TestBus(Duration.ofSeconds(5), upstream);

    @AfterEach
    void close() {
        t.close();
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ResponsePrimitive await(CompletableFuture<ResponsePrimitive> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private RequestPrimitive createAe(String fr, String rqi) {
        return RequestPrimitive.builder().op(Operation.CREATE).to("cse-in").fr(fr).rqi(rqi).rvi("3").ty(2)
                .pc(json("{\"m2m:ae\":{\"rn\":\"wsae\",\"api\":\"Nwsae\",\"rr\":false,\"srv\":[\"3\"],"
                        + "\"poa\":[\"ws://default\"]}}"))
                .build();
    }

    private static RequestPrimitive notify(String to, String rqi) {
        return RequestPrimitive.builder().op(Operation.NOTIFY).to(to).fr("/id-in").rqi(rqi).rvi("3")
                .pc(json("{\"m2m:sgn\":{\"sur\":\"/id-in/sub1\"}}")).build();
    }

    private RecordingLink registeredLink(String id, String aei) throws Exception {
        RecordingLink link = new RecordingLink(id, t.timer, 100);
        assertEquals(2001, await(t.bus.send(createAe(aei, "reg-" + id), Ingress.downstream(link))).rsc());
        return link;
    }

    @Test
    void registrationRewritesPoaUpstreamRegistersBindsAndShowsTheOriginalPoa() throws Exception {
        RecordingLink link = new RecordingLink("ws-1", t.timer, 100);
        ResponsePrimitive r = await(t.bus.send(createAe("Cwsae", "r1"), Ingress.downstream(link)));

        assertEquals(2001, r.rsc());
        RequestPrimitive sent = upstream.received.get(0);
        JsonNode sentAe = sent.pc().get("m2m:ae");
        Registration reg = t.registry.byEntityId("Cwsae").orElseThrow();
        assertEquals(List.of("http://bridge.test/notify/" + reg.token()),
                List.of(sentAe.get("poa").get(0).asText()), "upstream must be told the bridge's address");
        assertTrue(sentAe.get("rr").asBoolean(), "rr must be true: the bridge makes the entity reachable");
        assertEquals("ws://default", r.pc().get("m2m:ae").get("poa").get(0).asText(), "AE sees its own poa");
        assertFalse(r.pc().get("m2m:ae").get("rr").asBoolean(), "AE sees its own rr");
        assertEquals(Registration.Kind.AE, reg.kind());
        assertEquals("in-cse", reg.upstream());
        assertEquals("wsae", reg.resourceName());
        assertEquals(List.of("ws://default"), reg.originalPoa());
        assertEquals(link, t.bus.boundLink("Cwsae").orElseThrow());
        assertEquals(1, upstream.registered.size());
        // the request primitive the caller built is untouched (immutability)
        assertEquals("ws://default", createAe("Cwsae", "x").pc().get("m2m:ae").get("poa").get(0).asText());
    }

    @Test
    void notificationFromUpstreamReachesTheBoundLinkInEveryAddressForm() throws Exception {
        RecordingLink link = registeredLink("ws-1", "Cae1");
        for (String to : List.of("Cae1", "/id-in/Cae1", "//test.example/id-in/Cae1")) {
            CompletableFuture<ResponsePrimitive> f = t.bus.send(notify(to, "n-" + to), Ingress.upstream("http", "t"));
            RequestPrimitive onWire = link.wire.get(link.wire.size() - 1);
            assertEquals(to, onWire.to());
            assertTrue(link.respond(onWire.rqi(), 2000));
            assertEquals(2000, await(f).rsc());
            assertEquals("n-" + to, await(f).rqi());
        }
    }

    @Test
    void unknownTargetIs4004AndRegisteredButOfflineIs5103() throws Exception {
        RecordingLink link = registeredLink("ws-1", "Cae1");
        assertEquals(4004, await(t.bus.send(notify("Cnobody", "n1"), Ingress.upstream("http", "t"))).rsc());
        t.bus.unbind("Cae1", link);
        // ec = 2 (immediate) is never stored, so an offline entity still yields 5103 (cmdh-buffering.md 4)
        RequestPrimitive immediate = notify("Cae1", "n2").toBuilder().ec(2).build();
        ResponsePrimitive offline = await(t.bus.send(immediate, Ingress.upstream("http", "t")));
        assertEquals(5103, offline.rsc());
        assertEquals("n2", offline.rqi());
        assertTrue(t.registry.byEntityId("Cae1").isPresent(), "unbinding never deregisters");
    }

    @Test
    void withStoreAndForwardDisabledRegisteredButOfflineIs5103() throws Exception {
        try (TestBus plain = new TestBus(Duration.ofSeconds(5),
                org.m2mbridge.core.config.StoreSettings.IN_MEMORY.withEnabled(false), upstream)) {
            RecordingLink link = new RecordingLink("ws-1", plain.timer, 100);
            assertEquals(2001, await(plain.bus.send(createAe("Cae1", "r"), Ingress.downstream(link))).rsc());
            plain.bus.unbind("Cae1", link);
            ResponsePrimitive offline = await(plain.bus.send(notify("Cae1", "n2"), Ingress.upstream("http", "t")));
            assertEquals(5103, offline.rsc());
            assertEquals("n2", offline.rqi());
        }
    }

    @Test
    void newestConnectionTakesOverAnEntityAndTheOldOneIsTold() throws Exception {
        RecordingLink first = registeredLink("ws-1", "Cae1");
        RecordingLink second = new RecordingLink("ws-2", t.timer, 100);
        t.bus.bind("Cae1", second);
        assertEquals(List.of("Cae1"), first.unbound);
        t.bus.send(notify("Cae1", "n1"), Ingress.upstream("http", "t"));
        assertEquals(0, first.wire.size());
        assertEquals(1, second.wire.size());
        t.bus.unbind("Cae1", first); // a late close of the old connection must not unbind the new one
        assertEquals(second, t.bus.boundLink("Cae1").orElseThrow());
    }

    @Test
    void deleteOfTheRegistrationResourceDeregistersOtherDeletesDoNot() throws Exception {
        RecordingLink link = registeredLink("ws-1", "Cae1");
        RequestPrimitive deleteCnt = RequestPrimitive.builder().op(Operation.DELETE).to("cse-in/wsae/cnt")
                .fr("Cae1").rqi("d1").rvi("3").build();
        assertEquals(2002, await(t.bus.send(deleteCnt, Ingress.downstream(link))).rsc());
        assertTrue(t.registry.byEntityId("Cae1").isPresent());

        RequestPrimitive deleteAe = deleteCnt.toBuilder().to("cse-in/wsae").rqi("d2").build();
        assertEquals(2002, await(t.bus.send(deleteAe, Ingress.downstream(link))).rsc());
        assertTrue(t.registry.byEntityId("Cae1").isEmpty());
        assertTrue(t.bus.boundLink("Cae1").isEmpty());
        assertEquals(4004, await(t.bus.send(notify("Cae1", "n"), Ingress.upstream("http", "t"))).rsc());
    }

    @Test
    void registrationWithoutIdBindsTheAssignedAeId() throws Exception {
        RecordingLink link = new RecordingLink("ws-1", t.timer, 100);
        ResponsePrimitive r = await(t.bus.send(createAe("C", "r1"), Ingress.downstream(link)));
        assertEquals("Cwsae", r.pc().get("m2m:ae").get("aei").asText());
        assertEquals(link, t.bus.boundLink("Cwsae").orElseThrow());
    }

    @Test
    void poaUpdateIsRewrittenAndRemembered() throws Exception {
        RecordingLink link = registeredLink("ws-1", "Cae1");
        Registration before = t.registry.byEntityId("Cae1").orElseThrow();
        RequestPrimitive update = RequestPrimitive.builder().op(Operation.UPDATE).to("cse-in/wsae").fr("Cae1")
                .rqi("u1").rvi("3").pc(json("{\"m2m:ae\":{\"poa\":[\"http://10.0.0.9:7000\"]}}")).build();
        ResponsePrimitive r = await(t.bus.send(update, Ingress.downstream(link)));
        assertEquals(2004, r.rsc());
        RequestPrimitive sent = upstream.received.get(upstream.received.size() - 1);
        assertEquals("http://bridge.test/notify/" + before.token(), sent.pc().get("m2m:ae").get("poa").get(0).asText());
        assertEquals("http://10.0.0.9:7000", r.pc().get("m2m:ae").get("poa").get(0).asText());
        assertEquals(List.of("http://10.0.0.9:7000"), t.registry.byEntityId("Cae1").orElseThrow().originalPoa());
    }

    @Test
    void anEntityReadingItsOwnResourceSeesItsOwnPoaOthersSeeTheBridges() throws Exception {
        RecordingLink link = registeredLink("ws-1", "Cae1");
        String bridgePoa = upstream.received.get(0).pc().at("/m2m:ae/poa/0").asText();
        upstream.answering(r -> CompletableFuture.completedFuture(ResponsePrimitive.builder(2000, r.rqi()).rvi("3")
                .pc(json("{\"m2m:ae\":{\"rn\":\"wsae\",\"aei\":\"Cae1\",\"poa\":[\"" + bridgePoa + "\"]}}"))
                .build()));
        RequestPrimitive.Builder get = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in/wsae").rqi("g1")
                .rvi("3");
        ResponsePrimitive own = await(t.bus.send(get.fr("Cae1").build(), Ingress.downstream(link)));
        assertEquals("ws://default", own.pc().at("/m2m:ae/poa/0").asText());
        ResponsePrimitive other = await(t.bus.send(get.fr("Cother").build(), Ingress.downstream(link)));
        assertEquals(bridgePoa, other.pc().at("/m2m:ae/poa/0").asText());
    }

    @Test
    void twoLinksUsingTheSameRqiConcurrentlyEachGetTheirOwnResponse() throws Exception {
        RecordingLink a = registeredLink("ws-a", "Ca");
        RecordingLink b = registeredLink("ws-b", "Cb");
        CompletableFuture<ResponsePrimitive> fa = t.bus.send(notify("Ca", "same"), Ingress.upstream("http", "t"));
        CompletableFuture<ResponsePrimitive> fb = t.bus.send(notify("Cb", "same"), Ingress.upstream("http", "t"));
        assertEquals("same", a.wire.get(0).rqi());
        assertEquals("same", b.wire.get(0).rqi());
        assertTrue(b.respond("same", 2000));
        assertTrue(a.respond("same", 4004));
        assertEquals(2000, await(fb).rsc());
        assertEquals(4004, await(fa).rsc());
    }

    @Test
    void collidingRqiOnOneLinkIsRemappedOnTheWireAndMappedBack() throws Exception {
        RecordingLink a = registeredLink("ws-a", "Ca");
        CompletableFuture<ResponsePrimitive> f1 = t.bus.send(notify("Ca", "dup"), Ingress.upstream("http", "cse1"));
        CompletableFuture<ResponsePrimitive> f2 = t.bus.send(notify("Ca", "dup"), Ingress.upstream("http", "cse2"));
        String w1 = a.wire.get(0).rqi();
        String w2 = a.wire.get(1).rqi();
        assertNotEquals(w1, w2);
        assertTrue(a.respond(w2, 2004));
        assertTrue(a.respond(w1, 2000));
        assertEquals(2000, await(f1).rsc());
        assertEquals("dup", await(f1).rqi());
        assertEquals(2004, await(f2).rsc());
        assertEquals("dup", await(f2).rqi());
    }

    @Test
    void requestPastItsDeadlineCompletesWith4008ExactlyOnceAndALateResponseIsDroppedAndCounted() throws Exception {
        RecordingLink link = registeredLink("ws-1", "Cae1");
        AtomicInteger completions = new AtomicInteger();
        RequestPrimitive n = notify("Cae1", "slow").toBuilder().rqet("300").build(); // 300 ms from now
        CompletableFuture<ResponsePrimitive> f = t.bus.send(n, Ingress.upstream("http", "t"));
        f.whenComplete((r, e) -> completions.incrementAndGet());
        ResponsePrimitive r = await(f);
        assertEquals(4008, r.rsc());
        assertEquals("slow", r.rqi());
        assertFalse(link.respond("slow", 2000), "a response after the deadline matches nothing");
        assertEquals(1, link.late.get());
        assertEquals(1, link.timeouts.get());
        assertEquals(0, link.correlator().outstanding());
        // past the bus guard too: still exactly one completion
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertEquals(1, completions.get());
    }

    @Test
    void aLinkThatNeverAnswersStillYields4008FromTheBusGuard() throws Exception {
        upstream.answering(r -> new CompletableFuture<>()); // never completes
        RecordingLink link = new RecordingLink("ws-1", t.timer, 100);
        RequestPrimitive req = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in").fr("Cx").rqi("q")
                .rqet("200").build();
        ResponsePrimitive r = await(t.bus.send(req, Ingress.downstream(link)));
        assertEquals(4008, r.rsc());
        assertEquals(1.0, t.metrics.requestTimeouts.labelValues("test").get());
    }

    @Test
    void expiredRqetIsRefusedWithoutForwarding() throws Exception {
        RecordingLink link = new RecordingLink("ws-1", t.timer, 100);
        RequestPrimitive req = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in").fr("Cx").rqi("q")
                .rqet("20200101T000000").build();
        ResponsePrimitive r = await(t.bus.send(req, Ingress.downstream(link)));
        assertEquals(4008, r.rsc());
        assertTrue(upstream.received.isEmpty());
    }

    @Test
    void aLinkOverItsOutstandingBoundAnswersAtOnceInsteadOfQueueing() throws Exception {
        RecordingLink small = new RecordingLink("ws-s", t.timer, 2);
        t.registry.put(new Registration("Cs", Registration.Kind.AE, "in-cse", "tok", "s", "Cs", List.of(),
                java.time.Instant.now()));
        t.bus.bind("Cs", small);
        t.bus.send(notify("Cs", "1"), Ingress.upstream("http", "t"));
        t.bus.send(notify("Cs", "2"), Ingress.upstream("http", "t"));
        ResponsePrimitive third = await(t.bus.send(notify("Cs", "3"), Ingress.upstream("http", "t")));
        assertEquals(5000, third.rsc());
        assertEquals("3", third.rqi());
    }
}
