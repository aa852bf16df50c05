package org.m2mbridge.ws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.RefusingPort;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestConnectProxy;
import org.m2mbridge.ws.Metrics;

/** The bridge as WebSocket client of an upstream (TS-0020 6.1 T1, 6.2, 7.6), against a real WsBinding of a 2nd bus. */
@Timeout(60)
class WsUpstreamTest {
    private WsPair pair;
    private TestConnectProxy proxy;
    private final RefusingPort dead = new RefusingPort(); // "nothing listens there", held for the whole test

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        dead.close();
    }

    private static RequestPrimitive retrieve(String fr, String rqi) {
        return RequestPrimitive.builder().op(Operation.RETRIEVE).to("/id-in/cnt1").fr(fr).rqi(rqi).rvi("3").build();
    }

    private static RequestPrimitive createAe(String aei, String rqi) {
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        pc.putObject("m2m:ae").put("rn", "ae-" + aei).put("api", "Nbridge.test").put("rr", true)
                .putArray("srv").add("3");
        return RequestPrimitive.builder().op(Operation.CREATE).ty(2).to("/id-in").fr(aei).rqi(rqi).rvi("3").pc(pc)
                .build();
    }

    private ResponsePrimitive sendFromA(RequestPrimitive request, RecordingLink link) throws Exception {
        return pair.busA.bus.send(request, Ingress.downstream(link)).get(10, TimeUnit.SECONDS);
    }

    private RecordingLink deviceOnA() {
        return new RecordingLink("dev-a", pair.busA.timer, 16);
    }

    @Test
    void requestFromAIsAnsweredByTheCseBehindB() throws Exception {
        pair = new WsPair().clientSide("");
        ResponsePrimitive r = sendFromA(retrieve("Cknown", "r1"), deviceOnA());
        // B's gate refuses an unregistered originator (docs/spec/websocket.md WS-GATE-4): the answer came over the
        // socket from B
        assertEquals(4103, r.rsc(), String.valueOf(r));
        assertEquals("r1", r.rqi());
        RecordingLink dev = deviceOnA();
        assertEquals(2001, sendFromA(createAe("Cae1", "reg1"), dev).rsc());
        ResponsePrimitive ok = sendFromA(retrieve("Cae1", "r2"), dev);
        assertEquals(2000, ok.rsc(), String.valueOf(ok));
        assertEquals("r2", ok.rqi());
        assertEquals("/id-in/cnt1", pair.cse.received.get(pair.cse.received.size() - 1).to());
        assertEquals(1.0, Metrics.value(pair.busA.metrics.registry(), "m2mbridge_ws_connections",
                "role", "client", "subprotocol", "json"));
        assertEquals("json", pair.upstreamA.view().orElseThrow().subprotocol());
        assertEquals("127.0.0.1:" + pair.uriB.getPort(), pair.upstreamA.view().orElseThrow().remoteAddress());
    }

    @Test
    void registrationThroughThePairThenANotifyFromBReachesTheLinkOnA() throws Exception {
        pair = new WsPair().clientSide("");
        RecordingLink dev = deviceOnA();
        ResponsePrimitive created = sendFromA(createAe("Cae2", "reg2"), dev);
        assertEquals(2001, created.rsc(), String.valueOf(created));
        // A announces no poa (it is reached over its own connection); B, a bridge itself, wrote its own poa for its
        // CSE and bound the entity to the session A opened
        assertEquals(List.of(), pair.upstreamA.pointOfAccess("token", "Cae2"));
        assertEquals(Operation.CREATE, pair.cse.received.get(0).op());
        assertEquals("ws", pair.busB.bus.boundLink("Cae2").map(l -> l.binding()).orElse(null));
        assertEquals("dev-a", pair.busA.bus.boundLink("Cae2").map(l -> l.id()).orElse(null));

        ObjectNode sgn = JsonNodeFactory.instance.objectNode();
        sgn.putObject("m2m:sgn").put("sur", "/id-in/sub1").put("vrq", true);
        RequestPrimitive notify = RequestPrimitive.builder().op(Operation.NOTIFY).to("Cae2").fr("/id-in")
                .rqi("n1").rvi("3").pc(sgn).build();
        CompletableFuture<ResponsePrimitive> answer = pair.busB.bus.send(notify, Ingress.upstream("test", "cse"));
        Await.until(WsPair.WAIT, () -> !dev.wire.isEmpty());
        RequestPrimitive down = dev.wire.get(0);
        assertEquals(Operation.NOTIFY, down.op());
        assertEquals("Cae2", down.to());
        assertTrue(down.pc().path("m2m:sgn").path("vrq").asBoolean());
        assertTrue(dev.respond(down.rqi(), 2000));
        ResponsePrimitive back = answer.get(5, TimeUnit.SECONDS);
        assertEquals(2000, back.rsc());
        assertEquals("n1", back.rqi());
    }

    @Test
    void throughAConnectProxyTheTunnelNamesTheWsServer() throws Exception {
        proxy = new TestConnectProxy(null, null);
        pair = new WsPair().clientSide("      proxy:\n        url: " + proxy.url() + "\n");
        RecordingLink dev = deviceOnA();
        assertEquals(2001, sendFromA(createAe("Cae3", "reg3"), dev).rsc());
        assertEquals(2000, sendFromA(retrieve("Cae3", "r3"), dev).rsc());
        assertEquals(List.of("CONNECT 127.0.0.1:" + pair.uriB.getPort() + " HTTP/1.1"), proxy.requestLines);
        assertEquals(List.of(), proxy.authorizations);
    }

    @Test
    void proxyAuthenticationIsSentAndWrongCredentialsGive5103Promptly() throws Exception {
        proxy = new TestConnectProxy("bridge", "s3cret");
        pair = new WsPair().clientSide("      proxy:\n        url: " + proxy.url()
                + "\n        username: bridge\n        password: s3cret\n");
        RecordingLink dev = deviceOnA();
        assertEquals(2001, sendFromA(createAe("Cae4", "reg4"), dev).rsc());
        assertEquals(List.of("Basic YnJpZGdlOnMzY3JldA=="), proxy.authorizations);
        pair.close();

        pair = new WsPair().clientSide("      proxy:\n        url: " + proxy.url()
                + "\n        username: bridge\n        password: wrong\n");
        long t0 = System.nanoTime();
        ResponsePrimitive r = sendFromA(retrieve("Cae4", "r4"), deviceOnA());
        assertEquals(5103, r.rsc(), String.valueOf(r));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(6).toNanos(), "answered well before the 10 s deadline");
        Await.until(WsPair.WAIT, () -> Metrics.value(pair.busA.metrics.registry(),
                "m2mbridge_upstream_errors", "upstream", "b", "kind", "proxy") >= 1);
    }

    @Test
    void anUnreachableUpstreamAnswers5103AtOnceAndBacksOff() throws Exception {
        pair = new WsPair();
        int deadPort = dead.port();
        pair.clientSide("ws://127.0.0.1:" + deadPort + "/", "");
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            ResponsePrimitive r = sendFromA(retrieve("Cx", "d" + i), deviceOnA());
            assertEquals(5103, r.rsc());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(6).toNanos(), "answered well before the 10 s deadline");
        }
        assertTrue(!pair.upstreamA.isReachable());
    }

    @Test
    void aLineOfRequestsBehindAWindowOfOneIsAnswered5103PromptlyWhenTheUpstreamIsDown() throws Exception {
        pair = new WsPair();
        int deadPort = dead.port();
        pair.clientSide("ws://127.0.0.1:" + deadPort + "/", "      maxInflight: 1\n");
        RecordingLink dev = deviceOnA();
        long t0 = System.nanoTime();
        List<CompletableFuture<ResponsePrimitive>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(pair.busA.bus.send(retrieve("Cx", "l" + i), Ingress.downstream(dev)));
        }
        for (CompletableFuture<ResponsePrimitive> f : all) {
            assertEquals(5103, f.get(8, TimeUnit.SECONDS).rsc());
        }
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(6).toNanos(), "answered well before the 10 s deadline");
    }

    @Test
    void socketKilledMidTrafficAnswersEveryInFlightRequestAndTheNextRequestReopens() throws Exception {
        proxy = new TestConnectProxy(null, null);
        pair = new WsPair().clientSide("      proxy:\n        url: " + proxy.url() + "\n");
        RecordingLink dev = deviceOnA();
        assertEquals(2001, sendFromA(createAe("Cae5", "reg5"), dev).rsc());
        // the CSE answers "fast" requests and sits on "slow" ones, so some are in flight when the socket dies
        pair.cse.answering(r -> r.to().endsWith("slow") ? new CompletableFuture<>()
                : CompletableFuture.completedFuture(ScriptedUpstream.acmeLike(r)));
        List<CompletableFuture<ResponsePrimitive>> slow = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            slow.add(pair.busA.bus.send(retrieve("Cae5", "s" + i).toBuilder().to("/id-in/slow").build(),
                    Ingress.downstream(dev)));
        }
        assertEquals(2000, sendFromA(retrieve("Cae5", "f1"), dev).rsc());
        Await.until(WsPair.WAIT, () -> pair.cse.received.stream().filter(r -> r.to().endsWith("slow")).count() == 5);
        proxy.killAll();
        long t0 = System.nanoTime();
        for (CompletableFuture<ResponsePrimitive> f : slow) {
            assertEquals(5103, f.get(8, TimeUnit.SECONDS).rsc());
        }
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(6).toNanos(), "answered well before the 10 s deadline");
        // reopened in the background, so B can push to the entities again without waiting for a request
        Await.until(WsPair.WAIT, () -> proxy.requestLines.size() == 2 && proxy.tunnels() == 1);
        ResponsePrimitive again = sendFromA(retrieve("Cae5", "f2"), dev);
        assertEquals(2000, again.rsc(), String.valueOf(again));
        assertEquals(2, proxy.requestLines.size(), "reopened through the proxy: " + proxy.requestLines);
    }

    @Test
    void windowOfOneKeepsRequestsStrictlyOneAtATime() throws Exception {
        assertEquals(1, maxConcurrentAtCse("      maxInflight: 1\n"));
    }

    @Test
    void aWiderWindowPipelines() throws Exception {
        assertTrue(maxConcurrentAtCse("      maxInflight: 8\n") > 1);
    }

    /** Sends 6 requests at once from A; the CSE answers each after 100 ms; returns the most it held at once. */
    private int maxConcurrentAtCse(String wsYaml) throws Exception {
        pair = new WsPair().clientSide(wsYaml);
        RecordingLink dev = deviceOnA();
        assertEquals(2001, sendFromA(createAe("Cae6", "reg6"), dev).rsc());
        AtomicInteger now = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        pair.cse.answering(r -> {
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
            CompletableFuture<ResponsePrimitive> f = new CompletableFuture<>();
            pair.busB.timer.schedule(() -> {
                now.decrementAndGet();
                f.complete(ScriptedUpstream.acmeLike(r));
            }, 100, TimeUnit.MILLISECONDS);
            return f;
        });
        List<CompletableFuture<ResponsePrimitive>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(pair.busA.bus.send(retrieve("Cae6", "w" + i), Ingress.downstream(dev)));
        }
        for (int i = 0; i < 6; i++) {
            ResponsePrimitive r = all.get(i).get(10, TimeUnit.SECONDS);
            assertEquals(2000, r.rsc(), String.valueOf(r));
            assertEquals("w" + i, r.rqi());
        }
        return max.get();
    }

    @Test
    void aResponseLargerThanTheLibrarysDefaultFrameAndMessageSizeArrivesWhole() throws Exception {
        pair = new WsPair("ws:\n  deflate: false\n").clientSide(""); // compressed, it would be a small frame
        RecordingLink dev = deviceOnA();
        assertEquals(2001, sendFromA(createAe("Cae7", "reg7"), dev).rsc());
        String big = "x".repeat(300_000); // one frame from Undertow; under limits.maxMessageBytes (1 MiB)
        pair.cse.answering(r -> {
            ObjectNode pc = JsonNodeFactory.instance.objectNode();
            pc.putObject("m2m:cin").put("con", big);
            return CompletableFuture.completedFuture(ResponsePrimitive.builder(2000, r.rqi()).rvi(r.rvi())
                    .to(r.fr()).fr("/id-in").pc(pc).build());
        });
        ResponsePrimitive r = sendFromA(retrieve("Cae7", "big1"), dev);
        assertEquals(2000, r.rsc(), String.valueOf(r.rsc()));
        assertEquals(big, r.pc().path("m2m:cin").path("con").asText());
    }
}
