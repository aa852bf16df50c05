package org.m2mbridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.ScriptedUpstream;

/** Sessions, the registration gate and both directions on one socket (TS-0020 6.2, 7.4; docs/spec/websocket.md
 * WS-GATE-1..7). */
@Timeout(60)
class SessionTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private WsFixture bridge;

    private WsFixture bridge(String yaml) throws Exception {
        bridge = new WsFixture(yaml);
        return bridge;
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private static JsonNode register(JdkWsClient c, String aei) throws Exception {
        c.sendText(Json.createAe(aei, "reg-" + aei, "ae-" + aei));
        JsonNode r = Json.parse(c.nextText());
        assertEquals(2001, r.path("rsc").asInt(), r.toString());
        assertEquals("reg-" + aei, r.path("rqi").asText());
        return r;
    }

    private static void register(RawWsClient c, String aei) throws Exception {
        c.sendText(Json.createAe(aei, "reg-" + aei, "ae-" + aei));
        assertEquals(2001, Json.parse(c.readText()).path("rsc").asInt());
    }

    private String boundLinkId(String entity) {
        return bridge.bus.bus.boundLink(entity).map(l -> l.id()).orElse(null);
    }

    private CompletableFuture<ResponsePrimitive> notifyFromUpstream(String to, String rqi) {
        return notifyFromUpstream(to, rqi, null);
    }

    /** {@code ec}: event category, 2 = immediate (never stored for an offline entity). */
    private CompletableFuture<ResponsePrimitive> notifyFromUpstream(String to, String rqi, Integer ec) {
        ObjectNode sgn = JsonNodeFactory.instance.objectNode();
        sgn.putObject("m2m:sgn").put("sur", "/id-in/sub1").put("vrq", true);
        RequestPrimitive notify = RequestPrimitive.builder().op(Operation.NOTIFY).to(to).fr("/id-in").rqi(rqi)
                .rvi("3").ec(ec).pc(sgn).build();
        return bridge.bus.bus.send(notify, Ingress.upstream("test", "t"));
    }

    @Test
    void unregisteredOriginatorGets4103MissingOriginatorGets4000AndTheSocketStaysOpen() throws Exception {
        bridge("");
        try (JdkWsClient c = JdkWsClient.connect(bridge.uri, "oneM2M.json")) {
            c.sendText(Json.retrieve("Cstranger", "q1", "/id-in"));
            JsonNode r = Json.parse(c.nextText());
            assertEquals(4103, r.path("rsc").asInt());
            assertEquals("q1", r.path("rqi").asText());
            c.sendText("{\"op\":2,\"to\":\"/id-in\",\"rqi\":\"q2\",\"rvi\":\"3\"}");
            r = Json.parse(c.nextText());
            assertEquals(4000, r.path("rsc").asInt());
            assertEquals("q2", r.path("rqi").asText());
            assertTrue(bridge.upstream.received.isEmpty(), "nothing may be forwarded");
            register(c, "Cae1"); // same socket still works
            assertEquals(1, bridge.upstream.received.size());
            assertTrue(bridge.metric("m2mbridge_rejected_requests", "reason", "not_registered") >= 1);
        }
    }

    @Test
    void registrationBindsAndANotificationGoesDownTheSocketAndItsResponseBack() throws Exception {
        bridge("");
        try (JdkWsClient c = JdkWsClient.connect(bridge.uri, "oneM2M.json")) {
            register(c, "Cae1");
            Await.until(WAIT, () -> boundLinkId("Cae1") != null);
            assertTrue(boundLinkId("Cae1").startsWith("ws-"));
            CompletableFuture<ResponsePrimitive> answer = notifyFromUpstream("Cae1", "n1");
            JsonNode down = Json.parse(c.nextText());
            assertEquals(5, down.path("op").asInt());
            assertEquals("n1", down.path("rqi").asText());
            assertTrue(down.path("pc").has("m2m:sgn"));
            c.sendText(Json.response(2000, "n1"));
            assertEquals(2000, answer.get(5, TimeUnit.SECONDS).rsc());
            assertEquals("n1", answer.get().rqi());
        }
    }

    @Test
    void closingDoesNotDeregisterAndAReconnectReidentifiesWithoutRegistering() throws Exception {
        bridge("");
        try (JdkWsClient c = JdkWsClient.connect(bridge.uri, "oneM2M.json")) {
            register(c, "Cae1");
        }
        Await.until(WAIT, () -> boundLinkId("Cae1") == null);
        assertTrue(bridge.bus.registry.byEntityId("Cae1").isPresent(), "closing must not deregister");
        assertEquals(5103, notifyFromUpstream("Cae1", "n-offline", 2).get(5, TimeUnit.SECONDS).rsc());
        CompletableFuture<ResponsePrimitive> stored = notifyFromUpstream("Cae1", "n-stored"); // store-and-forward
        try (JdkWsClient c = JdkWsClient.connect(bridge.uri, "oneM2M.R2.0.json")) {
            c.sendText(Json.retrieve("Cae1", "again", "Cae1"));
            // the re-identified entity gets its answer and the notification stored while it was away, any order
            Set<String> got = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                JsonNode m = Json.parse(c.nextText());
                got.add(m.path("rqi").asText());
                if (m.has("op")) {
                    assertEquals(5, m.path("op").asInt());
                    c.sendText(Json.response(2000, m.path("rqi").asText()));
                } else {
                    assertEquals(2000, m.path("rsc").asInt());
                }
            }
            assertEquals(Set.of("again", "n-stored"), got);
            int storedRsc = stored.get(10, TimeUnit.SECONDS).rsc();
            assertTrue(storedRsc == 2000 || storedRsc == 1000, "stored notify answered " + storedRsc);
            assertTrue(boundLinkId("Cae1") != null);
            CompletableFuture<ResponsePrimitive> answer = notifyFromUpstream("Cae1", "n2");
            assertEquals("n2", Json.parse(c.nextText()).path("rqi").asText());
            c.sendText(Json.response(2000, "n2"));
            assertEquals(2000, answer.get(5, TimeUnit.SECONDS).rsc());
        }
        assertEquals(1, bridge.upstream.registered.size(), "registered once only");
    }

    @Test
    void newerConnectionTakesOverAndTheEmptyOldOneIsClosed1000() throws Exception {
        bridge("");
        try (RawWsClient old = bridge.open("oneM2M.json"); RawWsClient fresh = bridge.open("oneM2M.json")) {
            register(old, "Cae1");
            String oldId = boundLinkId("Cae1");
            fresh.sendText(Json.retrieve("Cae1", "r1", "Cae1"));
            assertEquals(2000, Json.parse(fresh.readText()).path("rsc").asInt());
            RawWsClient.Frame close = old.readClose(5000);
            assertEquals(1000, close.closeCode());
            assertTrue(!close.closeReason().isEmpty());
            assertTrue(!oldId.equals(boundLinkId("Cae1")));
        }
    }

    @Test
    void deleteAnswered2002DeregistersButKeepsTheSocket() throws Exception {
        bridge("");
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            register(c, "Cae1");
            c.sendText(Json.delete("Cae1", "d1", "Cae1"));
            assertEquals(2002, Json.parse(c.readText()).path("rsc").asInt());
            assertTrue(bridge.bus.registry.byEntityId("Cae1").isEmpty());
            c.sendText(Json.retrieve("Cae1", "after", "/id-in"));
            JsonNode r = Json.parse(c.readText());
            assertEquals(4103, r.path("rsc").asInt());
            assertEquals("after", r.path("rqi").asText());
        }
    }

    @Test
    void twoConnectionsUsingTheSameRqiAtOnceEachGetTheirOwnResponse() throws Exception {
        bridge("");
        List<CompletableFuture<ResponsePrimitive>> held = new CopyOnWriteArrayList<>();
        List<RequestPrimitive> heldRequests = new CopyOnWriteArrayList<>();
        try (RawWsClient a = bridge.open("oneM2M.json"); RawWsClient b = bridge.open("oneM2M.json")) {
            register(a, "CaeA");
            register(b, "CaeB");
            bridge.upstream.answering(r -> {
                CompletableFuture<ResponsePrimitive> f = new CompletableFuture<>();
                heldRequests.add(r);
                held.add(f);
                return f;
            });
            a.sendText(Json.retrieve("CaeA", "same", "CaeA"));
            b.sendText(Json.retrieve("CaeB", "same", "CaeB"));
            Await.until(WAIT, () -> held.size() == 2);
            for (int i = 1; i >= 0; i--) { // answer in reverse order
                held.get(i).complete(ScriptedUpstream.acmeLike(heldRequests.get(i)));
            }
            JsonNode ra = Json.parse(a.readText());
            JsonNode rb = Json.parse(b.readText());
            assertEquals("same", ra.path("rqi").asText());
            assertEquals("same", rb.path("rqi").asText());
            assertEquals("CaeA", ra.path("to").asText());
            assertEquals("CaeB", rb.path("to").asText());
        }
    }

    @Test
    void thousandRequestsInFlightOnOneConnectionAreAllAnsweredExactlyOnce() throws Exception {
        bridge("");
        int n = 1000;
        List<CompletableFuture<ResponsePrimitive>> held = Collections.synchronizedList(new ArrayList<>());
        List<RequestPrimitive> heldRequests = Collections.synchronizedList(new ArrayList<>());
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            register(c, "Cae1");
            bridge.upstream.answering(r -> {
                CompletableFuture<ResponsePrimitive> f = new CompletableFuture<>();
                synchronized (held) {
                    heldRequests.add(r);
                    held.add(f);
                }
                return f;
            });
            for (int i = 0; i < n; i++) {
                c.sendText(Json.retrieve("Cae1", "m" + i, "Cae1"));
            }
            Await.until(Duration.ofSeconds(20), () -> held.size() == n);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            Collections.shuffle(order);
            Thread answerer = new Thread(() -> order.forEach(i ->
                    held.get(i).complete(ScriptedUpstream.acmeLike(heldRequests.get(i)))));
            answerer.start();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < n; i++) {
                JsonNode r = Json.parse(c.readText());
                assertEquals(2000, r.path("rsc").asInt());
                assertTrue(seen.add(r.path("rqi").asText()), "duplicate " + r);
            }
            answerer.join(10_000);
            for (int i = 0; i < n; i++) {
                assertTrue(seen.contains("m" + i));
            }
            assertTrue(c.quietFor(300), "no extra responses");
        }
    }

    @Test
    void inflightLimitAnswers5000InsteadOfStallingInBothDirections() throws Exception {
        bridge("limits:\n  maxInflightPerConnection: 2\n");
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            register(c, "Cae1");
            // bus -> device: the device answers nothing, the third notification is refused at once
            CompletableFuture<ResponsePrimitive> n1 = notifyFromUpstream("Cae1", "n1");
            CompletableFuture<ResponsePrimitive> n2 = notifyFromUpstream("Cae1", "n2");
            CompletableFuture<ResponsePrimitive> n3 = notifyFromUpstream("Cae1", "n3");
            assertEquals(5000, n3.get(8, TimeUnit.SECONDS).rsc()); // refused: the 10 s deadline would give 4008
            c.readText();
            c.readText();
            c.sendText(Json.response(2000, "n1"));
            c.sendText(Json.response(2000, "n2"));
            assertEquals(2000, n1.get(5, TimeUnit.SECONDS).rsc());
            assertEquals(2000, n2.get(5, TimeUnit.SECONDS).rsc());
            // device -> bus: the upstream never answers, the third request is refused at once
            bridge.upstream.answering(r -> new CompletableFuture<>());
            for (int i = 0; i < 3; i++) {
                c.sendText(Json.retrieve("Cae1", "u" + i, "Cae1"));
            }
            JsonNode r = Json.parse(c.readText());
            assertEquals(5000, r.path("rsc").asInt());
            assertEquals("u2", r.path("rqi").asText());
            assertTrue(bridge.metric("m2mbridge_limit_refusals", "limit", "ws_inflight") >= 2);
        }
    }

    @Test
    void cborAndJsonClientsWorkThroughTheSameBridge() throws Exception {
        bridge("");
        org.m2mbridge.core.codec.PrimitiveCodec codec = new org.m2mbridge.core.codec.Codecs(
                org.m2mbridge.core.codec.CodecLimits.DEFAULT).get(org.m2mbridge.core.codec.Serialization.CBOR);
        try (JdkWsClient json = JdkWsClient.connect(bridge.uri, "oneM2M.json");
             JdkWsClient bin = JdkWsClient.connect(bridge.uri, "oneM2M.cbor")) {
            register(json, "Cjson");
            ObjectNode ae = JsonNodeFactory.instance.objectNode();
            ae.putObject("m2m:ae").put("rn", "cborae").put("api", "Ncbor").put("rr", true).putArray("srv").add("3");
            bin.sendBinary(codec.encode(RequestPrimitive.builder().op(Operation.CREATE).to("/id-in").fr("Ccbor")
                    .rqi("c1").ty(2).rvi("3").pc(ae).build()));
            ResponsePrimitive created = codec.decode(bin.next()).response().orElseThrow();
            assertEquals(2001, created.rsc());
            assertEquals("c1", created.rqi());
            bin.sendBinary(codec.encode(RequestPrimitive.builder().op(Operation.RETRIEVE).to("Ccbor").fr("Ccbor")
                    .rqi("c2").rvi("3").build()));
            json.sendText(Json.retrieve("Cjson", "j2", "Cjson"));
            assertEquals(2000, codec.decode(bin.next()).response().orElseThrow().rsc());
            assertEquals(2000, Json.parse(json.nextText()).path("rsc").asInt());
        }
    }

    @Test
    void cseBaseRetrievedThroughTheBridgeAdvertisesTheBridgeWsPointOfAccess() throws Exception {
        for (boolean only : new boolean[] {true, false}) {
            bridge("ws:\n  advertiseOnlyBridgePoa: " + only + "\n");
            bridge.upstream.answering(r -> {
                if (r.op() == Operation.RETRIEVE && "/id-in".equals(r.to())) {
                    ObjectNode pc = JsonNodeFactory.instance.objectNode();
                    pc.putObject("m2m:cb").put("ri", "id-in").put("csi", "/id-in").putArray("poa")
                            .add("http://upstream.example:8080");
                    return CompletableFuture.completedFuture(ResponsePrimitive.builder(2000, r.rqi()).pc(pc).build());
                }
                return CompletableFuture.completedFuture(ScriptedUpstream.acmeLike(r));
            });
            String ws = "ws://127.0.0.1:" + bridge.uri.getPort();
            try (RawWsClient c = bridge.open("oneM2M.json")) {
                register(c, "Cmn");
                c.sendText(Json.retrieve("Cmn", "cb", "/id-in"));
                JsonNode poa = Json.parse(c.readText()).path("pc").path("m2m:cb").path("poa");
                assertEquals(ws, poa.get(0).asText());
                assertEquals(only ? 1 : 2, poa.size(), poa.toString());
            }
            bridge.close();
            bridge = null;
        }
    }

    @Test
    void serverPingsAndClosesWithPongTimeoutWhenNoPongComesBack() throws Exception {
        bridge("ws:\n  pingInterval: 200ms\n");
        try (JdkWsClient live = JdkWsClient.connect(bridge.uri, "oneM2M.json");
             RawWsClient dead = bridge.open("oneM2M.json")) {
            dead.answerPings = false;
            RawWsClient.Frame close = dead.readClose(5000);
            assertEquals(1011, close.closeCode());
            assertEquals("pong timeout", close.closeReason());
            // the JDK client answers pings by itself: after several ping intervals it is still connected
            assertThrows(java.util.concurrent.TimeoutException.class, () -> live.closeCode.get(1, TimeUnit.SECONDS));
            live.sendText(Json.retrieve("Cnobody", "still", "/id-in"));
            assertEquals("still", Json.parse(live.nextText()).path("rqi").asText());
        }
    }

    @Test
    void originHeaderPreBindsAnOfflineRegisteredEntity() throws Exception {
        bridge("");
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            register(c, "Cae1");
        }
        Await.until(WAIT, () -> boundLinkId("Cae1") == null);
        try (RawWsClient c = bridge.open("oneM2M.json", "X-m2m-ORIGIN: Cae1")) {
            Await.until(WAIT, () -> boundLinkId("Cae1") != null);
            CompletableFuture<ResponsePrimitive> answer = notifyFromUpstream("Cae1", "pre");
            assertEquals("pre", Json.parse(c.readText()).path("rqi").asText());
            c.sendText(Json.response(2000, "pre"));
            assertEquals(2000, answer.get(5, TimeUnit.SECONDS).rsc());
        }
        try (RawWsClient c = bridge.open("oneM2M.json", "X-M2M-Origin: Cnever")) {
            assertTrue(c.quietFor(100));
            assertTrue(bridge.bus.bus.boundLink("Cnever").isEmpty());
        }
    }

    @Test
    void slowReaderIsClosed1008InsteadOfGrowingTheOutboundQueue() throws Exception {
        bridge("ws:\n  maxQueuedBytes: 262144\n");
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            register(c, "Cslow");
            String padding = "p".repeat(60_000);
            List<CompletableFuture<ResponsePrimitive>> sent = new ArrayList<>();
            // the device reads nothing: socket buffers fill, then the bridge's own queue passes its bound
            for (int i = 0; i < 400 && bridge.metric("m2mbridge_limit_refusals", "limit", "ws_send_queue") == 0; i++) {
                ObjectNode pc = JsonNodeFactory.instance.objectNode();
                pc.putObject("m2m:sgn").put("sur", "/id-in/sub1").put("nev", padding);
                sent.add(bridge.bus.bus.send(RequestPrimitive.builder().op(Operation.NOTIFY).to("Cslow").fr("/id-in")
                        .rqi("s" + i).rvi("3").pc(pc).build(), Ingress.upstream("test", "t")));
            }
            assertTrue(bridge.metric("m2mbridge_limit_refusals", "limit", "ws_send_queue") >= 1);
            RawWsClient.Frame close = c.readClose(10_000);
            assertEquals(1008, close.closeCode());
            assertTrue(close.closeReason().contains("slowly"), close.closeReason());
            c.sendFrame(true, false, RawWsClient.CLOSE, new byte[] {0x03, (byte) 0xe8}); // RFC 6455 5.5.1 reply
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void stopClosesEverySocketWith1001() throws Exception {
        bridge("");
        try (RawWsClient c = bridge.open("oneM2M.json")) {
            register(c, "Cae1");
            bridge.binding.stop(Duration.ofSeconds(2));
            assertEquals(1001, c.readClose(5000).closeCode());
            assertTrue(bridge.binding.boundListeners().isEmpty());
        }
    }
}
