package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseType;
import org.m2mbridge.core.primitive.ResponseTypeInfo;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.TestBus;

/**
 * Issue 15.3: only requests whose meaning survives a delay are stored (NOTIFY, non-blocking {@code rt}); a blocking
 * request for an offline entity waits {@code store.holdFor} for it, then gets 5103 and is not stored
 * (docs/reliability.md "What is stored").
 */
@Timeout(30)
class WhatIsStoredTest extends StoreTestSupport {
    private static final Duration HOLD = Duration.ofMillis(300);

    private static RequestPrimitive request(Operation op, String rqi, ResponseType rt) {
        RequestPrimitive.Builder b = RequestPrimitive.builder().op(op).to("/id-mn/cse-mn").fr("/id-in").rqi(rqi)
                .rvi("3");
        if (op == Operation.UPDATE || op == Operation.CREATE) {
            b.pc(JsonNodeFactory.instance.objectNode().set("m2m:cnt", JsonNodeFactory.instance.objectNode()
                    .put("mni", 10)));
            b.ty(op == Operation.CREATE ? 3 : null);
        }
        return b.rt(rt == null ? null : ResponseTypeInfo.of(rt)).build();
    }

    private TestBus offlineGateway(StoreSettings s) {
        TestBus t = bus(s);
        t.registry.put(new Registration("/id-mn", Registration.Kind.CSE, "in-cse", "tok-mn", "cse-mn",
                "csr-mn", List.of(), java.time.Instant.now()));
        return t;
    }

    @Test
    void anOfflineEntitysBlockingRetrieveGets5103AfterTheHoldAndIsNotStoredWhileItsNotifyIs() throws Exception {
        TestBus t = offlineGateway(settings(HOLD, 1000, 100_000, Duration.ofMinutes(5)));
        long started = System.nanoTime();
        CompletableFuture<ResponsePrimitive> retrieve = fromUpstream(t, request(Operation.RETRIEVE, "liveliness",
                null));
        CompletableFuture<ResponsePrimitive> notify = fromUpstream(t, notify("/id-mn", "sgn"));
        ResponsePrimitive r = await(retrieve);
        assertEquals(5103, r.rsc(), "a blocking request that cannot reach its target (TS-0004 Annex H)");
        assertEquals("liveliness", r.rqi());
        assertTrue(System.nanoTime() - started >= HOLD.toNanos(), "answered after store.holdFor, not at once");
        assertEquals(1000, await(notify).rsc(), "the notification is stored and accepted");
        assertEquals(1.0, t.metrics.storeStored.get(), "only the notification was stored");
        assertEquals(1.0, t.metrics.storeRefused.labelValues("blocking").get());

        RecordingLink back = new RecordingLink("ws-mn", t.timer, 10);
        t.bus.bind("/id-mn", back);
        assertEquals("sgn", answer(back, 0, 2000), "delivered on reconnect");
        Await.until(WAIT, () -> stored(t) == 0 && t.metrics.storeDelivered.get() == 1.0);
        assertEquals(1, back.wire.size(), "the RETRIEVE never reaches the entity later");
    }

    @Test
    void nonBlockingRequestsAreStoredBlockingOnesOfEveryOtherKindAreNot() throws Exception {
        TestBus t = offlineGateway(settings(Duration.ZERO, 1000, 100_000, Duration.ofMinutes(5)));
        assertEquals(1000, await(fromUpstream(t, request(Operation.UPDATE, "u-async",
                ResponseType.NON_BLOCKING_REQUEST_ASYNCH))).rsc());
        assertEquals(1000, await(fromUpstream(t, request(Operation.CREATE, "c-sync",
                ResponseType.NON_BLOCKING_REQUEST_SYNCH))).rsc());
        for (Operation op : List.of(Operation.RETRIEVE, Operation.CREATE, Operation.UPDATE, Operation.DELETE)) {
            assertEquals(5103, await(fromUpstream(t, request(op, "b-" + op, null))).rsc(), op + " without rt");
            assertEquals(5103, await(fromUpstream(t, request(op, "rt3-" + op, ResponseType.BLOCKING_REQUEST)))
                    .rsc(), op + " rt blocking");
        }
        assertEquals(2, stored(t));
        assertEquals(8.0, t.metrics.storeRefused.labelValues("blocking").get());

        RecordingLink back = new RecordingLink("ws-mn", t.timer, 10);
        t.bus.bind("/id-mn", back);
        assertEquals("u-async", answer(back, 0, 2004));
        assertEquals("c-sync", answer(back, 1, 2001));
        Await.until(WAIT, () -> stored(t) == 0);
        assertEquals(2, back.wire.size());
    }

    @Test
    void aBlockingRequestWhoseEntityComesBackWithinTheHoldGetsTheEntitysAnswer() throws Exception {
        TestBus t = offlineGateway(settings(Duration.ofSeconds(20), 1000, 100_000, Duration.ofMinutes(5)));
        CompletableFuture<ResponsePrimitive> retrieve = fromUpstream(t, request(Operation.RETRIEVE, "r", null));
        assertFalse(retrieve.isDone(), "waiting for the entity");
        RecordingLink back = new RecordingLink("ws-mn", t.timer, 10);
        t.bus.bind("/id-mn", back);
        assertEquals("r", answer(back, 0, 2000));
        assertEquals(2000, await(retrieve).rsc());
        assertEquals(0.0, t.metrics.storeStored.get(), "delivered directly, never stored");
    }

    @Test
    void aBlockingRequestWhoseDeadlineEndsTheWaitGets4008() throws Exception {
        TestBus t = offlineGateway(settings(Duration.ofSeconds(20), 1000, 100_000, Duration.ofMinutes(5)));
        ResponsePrimitive r = await(fromUpstream(t, request(Operation.RETRIEVE, "short", null).toBuilder()
                .rqet("200").build()));
        assertEquals(4008, r.rsc());
        assertEquals(0, stored(t));
    }

    @Test
    void aConnectedEntitysBlockingRequestDoesNotQueueBehindItsStoredOnes() throws Exception {
        TestBus t = offlineGateway(settings(Duration.ZERO, 1000, 100_000, Duration.ofMinutes(5)));
        assertEquals(1000, await(fromUpstream(t, notify("/id-mn", "sgn"))).rsc());
        RecordingLink back = new RecordingLink("ws-mn", t.timer, 10);
        t.bus.bind("/id-mn", back);
        Await.until(WAIT, () -> back.wire.size() == 1); // the stored NOTIFY, not answered yet
        CompletableFuture<ResponsePrimitive> retrieve = fromUpstream(t, request(Operation.RETRIEVE, "r", null));
        assertEquals("r", answer(back, 1, 2000));
        assertEquals(2000, await(retrieve).rsc());
        assertEquals("sgn", answer(back, 0, 2000));
        Await.until(WAIT, () -> stored(t) == 0);
    }

    @Test
    void storeBlockingRequestsStoresThemLikeNotifications() throws Exception {
        TestBus t = offlineGateway(settings(Duration.ZERO, 1000, 100_000, Duration.ofMinutes(5))
                .withStoreBlockingRequests(true));
        assertEquals(1000, await(fromUpstream(t, request(Operation.RETRIEVE, "r", null))).rsc());
        assertEquals(1, stored(t));
    }
}
