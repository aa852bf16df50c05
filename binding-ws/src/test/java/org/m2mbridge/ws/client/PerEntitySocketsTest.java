package org.m2mbridge.ws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.TestConnectProxy;
import org.m2mbridge.ws.Metrics;

/**
 * {@code ws.sockets: per-entity} (issue 15): bus A keeps one socket to bus B per entity registered through it,
 * reopens a dropped one by itself, closes it on deregistration, and never opens more than {@code ws.maxSockets}.
 */
@Timeout(60)
class PerEntitySocketsTest {
    private static final String PER_ENTITY = "      sockets: per-entity\n";
    private WsPair pair;
    private TestConnectProxy proxy;

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static RequestPrimitive createAe(String aei, String rqi) {
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        pc.putObject("m2m:ae").put("rn", "ae-" + aei).put("api", "Nbridge.test").put("rr", true)
                .putArray("srv").add("3");
        return RequestPrimitive.builder().op(Operation.CREATE).ty(2).to("/id-in").fr(aei).rqi(rqi).rvi("3").pc(pc)
                .build();
    }

    private static RequestPrimitive request(Operation op, String to, String fr, String rqi) {
        return RequestPrimitive.builder().op(op).to(to).fr(fr).rqi(rqi).rvi("3").build();
    }

    private ResponsePrimitive sendFromA(RequestPrimitive request, RecordingLink link) throws Exception {
        return pair.busA.bus.send(request, Ingress.downstream(link)).get(10, TimeUnit.SECONDS);
    }

    private RecordingLink device(String id) {
        return new RecordingLink(id, pair.busA.timer, 16);
    }

    private double clientSockets() {
        return Metrics.value(pair.busA.metrics.registry(), "m2mbridge_ws_connections", "role", "client",
                "subprotocol", "json");
    }

    @Test
    void eachRegisteredEntityHasASocketOfItsOwnUntilItIsDeregistered() throws Exception {
        pair = new WsPair().clientSide(PER_ENTITY);
        assertEquals(List.of(), pair.upstreamA.views(), "nobody registered: no socket");
        RecordingLink one = device("dev-1");
        RecordingLink two = device("dev-2");
        assertEquals(2001, sendFromA(createAe("Cae1", "reg1"), one).rsc());
        assertEquals(2001, sendFromA(createAe("Cae2", "reg2"), two).rsc());
        Await.until(WsPair.WAIT, () -> clientSockets() == 2.0);
        assertEquals(2000, sendFromA(request(Operation.RETRIEVE, "/id-in/cnt1", "Cae1", "r1"), one).rsc());
        assertEquals(2000, sendFromA(request(Operation.RETRIEVE, "/id-in/cnt1", "Cae2", "r2"), two).rsc());
        assertEquals(2, pair.upstreamA.views().size());
        assertEquals(2.0, clientSockets(), "requests of a registered entity take its socket");

        assertEquals(2002, sendFromA(request(Operation.DELETE, "/id-in/Cae1", "Cae1", "d1"), one).rsc());
        Await.until(WsPair.WAIT, () -> clientSockets() == 1.0);
        assertEquals(1, pair.upstreamA.views().size());
    }

    @Test
    void aDroppedEntitySocketIsReopenedWithoutARequestSoNotificationsFlowAgain() throws Exception {
        proxy = new TestConnectProxy(null, null);
        pair = new WsPair().clientSide(PER_ENTITY + "      proxy:\n        url: " + proxy.url() + "\n");
        RecordingLink one = device("dev-1");
        assertEquals(2001, sendFromA(createAe("Cae1", "reg1"), one).rsc());
        assertEquals(2001, sendFromA(createAe("Cae2", "reg2"), device("dev-2")).rsc());
        Await.until(WsPair.WAIT, () -> proxy.tunnels() == 2);
        assertEquals(2, proxy.requestLines.size(), "one socket per entity: " + proxy.requestLines);

        proxy.killAll();
        Await.until(WsPair.WAIT, () -> proxy.requestLines.size() == 4 && proxy.tunnels() == 2
                && clientSockets() == 2.0, () -> "both entity sockets reopened through the proxy, once each: CONNECTs "
                + proxy.requestLines + ", open tunnels " + proxy.tunnels() + ", client sockets " + clientSockets());

        ObjectNode sgn = JsonNodeFactory.instance.objectNode();
        sgn.putObject("m2m:sgn").put("sur", "/id-in/sub1");
        RequestPrimitive notify = RequestPrimitive.builder().op(Operation.NOTIFY).to("Cae1").fr("/id-in")
                .rqi("n1").rvi("3").pc(sgn).build();
        CompletableFuture<ResponsePrimitive> answer = pair.busB.bus.send(notify, Ingress.upstream("test", "cse"));
        Await.until(WsPair.WAIT, () -> !one.wire.isEmpty());
        assertTrue(one.respond(one.wire.get(0).rqi(), 2000));
        assertEquals(2000, answer.get(5, TimeUnit.SECONDS).rsc());
    }

    @Test
    void noMoreThanMaxSocketsAreOpened() throws Exception {
        pair = new WsPair().clientSide(PER_ENTITY + "      maxSockets: 1\n");
        RecordingLink one = device("dev-1");
        assertEquals(2001, sendFromA(createAe("Cae1", "reg1"), one).rsc());
        ResponsePrimitive refused = sendFromA(createAe("Cae2", "reg2"), device("dev-2"));
        assertEquals(5103, refused.rsc(), String.valueOf(refused));
        assertTrue(Metrics.value(pair.busA.metrics.registry(), "m2mbridge_limit_refusals", "limit",
                "ws_upstream_sockets") >= 1);
        assertEquals(2000, sendFromA(request(Operation.RETRIEVE, "/id-in/cnt1", "Cae1", "r1"), one).rsc());
        assertEquals(1.0, clientSockets());
    }

    @Test
    void anEntityRegisteredBeforeARestartGetsItsSocketAtStart() throws Exception {
        pair = new WsPair();
        Registration earlier = new Registration("Cae9", Registration.Kind.AE, "b", "token9", "ae-Cae9", "Cae9",
                List.of(), Instant.now());
        pair.clientA = new ClientBus(pair.uriB.toString(), PER_ENTITY, List.of(earlier));
        pair.busA = pair.clientA.bus;
        pair.upstreamA = pair.clientA.upstream;
        Await.until(WsPair.WAIT, () -> pair.upstreamA.views().size() == 1);
        assertEquals(1.0, clientSockets());
    }
}
