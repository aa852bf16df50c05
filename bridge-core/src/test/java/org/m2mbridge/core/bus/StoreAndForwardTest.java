package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.store.BridgeStorage;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.TestBus;

/** The bus's store-and-forward policy for registered entities that are not connected (docs/reliability.md). */
@Timeout(30)
class StoreAndForwardTest extends StoreTestSupport {

    @Test
    void thousandNotificationsForAnOfflineEntityAreDeliveredExactlyOnceInOrderOnBind() throws Exception {
        TestBus t = bus(settings(Duration.ZERO, 1000, 100_000, Duration.ofMinutes(5)));
        registerOffline(t, "Cae1");
        List<CompletableFuture<ResponsePrimitive>> answers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            answers.add(fromUpstream(t, notify("Cae1", "n" + i)));
        }
        for (int i = 0; i < 1000; i++) {
            ResponsePrimitive r = await(answers.get(i));
            assertEquals(1000, r.rsc(), "holdFor 0: the upstream is told ACCEPTED at once");
            assertEquals("n" + i, r.rqi());
        }
        assertEquals(1000, stored(t));
        assertEquals(1000.0, t.metrics.storeStored.get());

        RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", link);
        for (int i = 0; i < 1000; i++) {
            assertEquals("n" + i, answer(link, i, 2000), "arrival order");
        }
        Await.until(WAIT, () -> t.metrics.storeDelivered.get() == 1000.0 && stored(t) == 0);
        assertEquals(1000, link.wire.size(), "each delivered exactly once");
        assertEquals(0, link.correlator().outstanding());
        assertEquals(0.0, t.metrics.storeExpired.get());
    }

    @Test
    void anExpiredEntryIsNeverDeliveredAndIsCounted() throws Exception {
        TestBus t = bus(settings(Duration.ZERO, 1000, 100_000, Duration.ofMinutes(5))); // no sweep during the test
        registerOffline(t, "Cae1");
        Instant sent = Instant.now();
        assertEquals(1000, await(fromUpstream(t, notify("Cae1", "short").toBuilder().rqet("200").build())).rsc());
        assertEquals(1000, await(fromUpstream(t, notify("Cae1", "long"))).rsc());
        Await.until(WAIT, () -> Instant.now().isAfter(sent.plusMillis(400)));

        RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", link);
        assertEquals("long", answer(link, 0, 2000));
        Await.until(WAIT, () -> stored(t) == 0 && t.metrics.storeDelivered.get() == 1.0);
        assertEquals(1, link.wire.size(), "the expired one never reached the device");
        assertEquals(1.0, t.metrics.storeExpired.get());
    }

    @Test
    void thePeriodicSweepPurgesExpiredEntries() throws Exception {
        TestBus t = bus(settings(Duration.ZERO, 1000, 100_000, Duration.ofMillis(50)));
        registerOffline(t, "Cae1");
        assertEquals(1000, await(fromUpstream(t, notify("Cae1", "short").toBuilder().rqet("150").build())).rsc());
        // the counter, not the gauge: on a loaded machine the sweep may already have purged it by now
        assertEquals(1.0, t.metrics.storeStored.get(), "it was stored");
        Await.until(WAIT, () -> stored(t) == 0 && t.metrics.storeExpired.get() == 1.0);
        assertEquals(0.0, t.metrics.storedBytes.get());
    }

    @Test
    void immediateEventCategoryIsRefusedWith5103AndNothingIsStored() throws Exception {
        TestBus t = bus(StoreSettings.IN_MEMORY);
        registerOffline(t, "Cae1");
        ResponsePrimitive r = await(fromUpstream(t, notify("Cae1", "imm").toBuilder().ec(2).build()));
        assertEquals(5103, r.rsc());
        assertEquals("imm", r.rqi());
        assertTrue(dbg(r).contains("immediate"), dbg(r));
        assertEquals(0, stored(t));
        assertEquals(0.0, t.metrics.storeStored.get());
        assertEquals(1.0, t.metrics.storeRefused.labelValues("immediate").get());
    }

    @Test
    void aFullStoreAnswers5103PerEntityAndGlobally() throws Exception {
        TestBus t = bus(settings(Duration.ZERO, 2, 3, Duration.ofMinutes(5)));
        registerOffline(t, "Ca");
        registerOffline(t, "Cb");
        assertEquals(1000, await(fromUpstream(t, notify("Ca", "a0"))).rsc());
        assertEquals(1000, await(fromUpstream(t, notify("Ca", "a1"))).rsc());
        ResponsePrimitive entityFull = await(fromUpstream(t, notify("Ca", "a2")));
        assertEquals(5103, entityFull.rsc());
        assertTrue(dbg(entityFull).contains("store for it is full"), dbg(entityFull));
        assertEquals(1000, await(fromUpstream(t, notify("Cb", "b0"))).rsc());
        ResponsePrimitive globalFull = await(fromUpstream(t, notify("Cb", "b1")));
        assertEquals(5103, globalFull.rsc());
        assertTrue(dbg(globalFull).contains("store is full"), dbg(globalFull));
        assertEquals(1.0, t.metrics.storeRefused.labelValues("full_entity").get());
        assertEquals(1.0, t.metrics.storeRefused.labelValues("full_global").get());
        assertEquals(3, stored(t));
    }

    @Test
    void aReconnectWithinTheHoldRelaysTheDevicesRealResponse() throws Exception {
        TestBus t = bus(settings(Duration.ofSeconds(20), 1000, 100_000, Duration.ofMinutes(5)));
        registerOffline(t, "Cae1");
        CompletableFuture<ResponsePrimitive> f = fromUpstream(t, notify("Cae1", "held"));
        assertFalse(f.isDone(), "held while the entity may come back");
        RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", link);
        answer(link, 0, 4103);
        ResponsePrimitive r = await(f);
        assertEquals(4103, r.rsc(), "the device's own answer, not the bridge's");
        assertEquals("held", r.rqi());
        Await.until(WAIT, () -> stored(t) == 0);
        assertEquals(1.0, t.metrics.storeDelivered.get());
    }

    @Test
    void afterTheHoldTheUpstreamGets1000AndTheRequestIsStillDeliveredOnReconnect() throws Exception {
        TestBus t = bus(settings(Duration.ofMillis(100), 1000, 100_000, Duration.ofMinutes(5)));
        registerOffline(t, "Cae1");
        ResponsePrimitive r = await(fromUpstream(t, notify("Cae1", "later")));
        assertEquals(1000, r.rsc());
        assertEquals("later", r.rqi());
        assertEquals("stored for delivery when Cae1 reconnects", dbg(r));
        assertEquals(1, stored(t));

        RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", link);
        assertEquals("later", answer(link, 0, 2000));
        Await.until(WAIT, () -> stored(t) == 0 && t.metrics.storeDelivered.get() == 1.0);
    }

    /** Cae1 registered and offline with n0, n1, n2 stored; upstream answered at once (holdFor 0). */
    private TestBus withThreeStored() throws Exception {
        TestBus t = bus(settings(Duration.ZERO, 1000, 100_000, Duration.ofMinutes(5)));
        registerOffline(t, "Cae1");
        for (int i = 0; i < 3; i++) {
            assertEquals(1000, await(fromUpstream(t, notify("Cae1", "n" + i))).rsc());
        }
        return t;
    }

    @Test
    void aRequestWhoseDeadlineEndsTheHoldIsAnswered4008AndNotDelivered() throws Exception {
        TestBus t = bus(settings(Duration.ofSeconds(20), 1000, 100_000, Duration.ofMinutes(5)));
        registerOffline(t, "Cae1");
        ResponsePrimitive r = await(fromUpstream(t, notify("Cae1", "brief").toBuilder().rqet("150").build()));
        assertEquals(4008, r.rsc());
        assertEquals("brief", r.rqi());
        RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", link);
        Await.until(WAIT, () -> stored(t) == 0 && t.metrics.storeExpired.get() == 1.0);
        assertTrue(link.wire.isEmpty());
    }

    @Test
    void aStoredRequestTheDeviceNeverAnswersIsDroppedAfterTheNormalDeadlineAndTheQueueMovesOn() throws Exception {
        TestBus t = new TestBus(Duration.ofMillis(300), settings(Duration.ZERO, 1000, 100_000,
                Duration.ofMinutes(5)), upstream); // a direct delivery would wait 300 ms
        closing.add(t);
        registerOffline(t, "Cae1");
        await(fromUpstream(t, notify("Cae1", "ignored")));
        await(fromUpstream(t, notify("Cae1", "next")));
        RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", link);
        Await.until(WAIT, () -> link.wire.size() == 1);
        assertEquals("next", answer(link, 1, 2000), "not stalled for the 10 min store lifetime");
        Await.until(WAIT, () -> stored(t) == 0 && t.metrics.storeDelivered.get() == 1.0);
        assertEquals(1.0, t.metrics.storeDropped.labelValues("unanswered").get());
        assertEquals(0.0, t.metrics.storeExpired.get());
        assertEquals(2, link.wire.size());
    }

    @Test
    void requestsArrivingDuringAFlushQueueBehindTheStoredOnes() throws Exception {
        TestBus t = withThreeStored();
        RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", link);
        Await.until(WAIT, () -> link.wire.size() == 1);
        CompletableFuture<ResponsePrimitive> during = fromUpstream(t, notify("Cae1", "n3"));
        Await.until(WAIT, () -> stored(t) == 4);
        assertEquals(1, link.wire.size(), "not sent past the stored ones");
        for (int i = 0; i < 4; i++) {
            assertEquals("n" + i, answer(link, i, 2000));
        }
        assertEquals(1000, await(during).rsc());
        Await.until(WAIT, () -> stored(t) == 0);

        // queue drained: the next request goes straight to the device and gets its real answer
        CompletableFuture<ResponsePrimitive> direct = fromUpstream(t, notify("Cae1", "n4"));
        assertEquals("n4", answer(link, 4, 2004));
        assertEquals(2004, await(direct).rsc());
        assertEquals(5, link.wire.size());
    }

    @Test
    void aConnectionLostMidFlushKeepsTheUnansweredRequestsForTheNextOne() throws Exception {
        TestBus t = withThreeStored();
        RecordingLink first = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", first);
        answer(first, 0, 2000);
        Await.until(WAIT, () -> first.wire.size() == 2);
        // the connection drops before the device answers n1: as a closing WsSession does
        assertEquals(1, first.correlator().closeAll("closed"));
        t.bus.unbind("Cae1", first);
        Await.until(WAIT, () -> stored(t) == 2);

        RecordingLink second = new RecordingLink("ws-2", t.timer, 10);
        t.bus.bind("Cae1", second);
        assertEquals("n1", answer(second, 0, 2000), "at-least-once: the unanswered one again");
        assertEquals("n2", answer(second, 1, 2000));
        Await.until(WAIT, () -> stored(t) == 0 && t.metrics.storeDelivered.get() == 3.0);
        assertEquals(2, first.wire.size());
    }

    @Test
    void aDeviceThatAnswers5103ItselfDuringAFlushHasAnsweredAndTheFlushGoesOn() throws Exception {
        TestBus t = withThreeStored();
        RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", link);
        assertEquals("n0", answer(link, 0, 5103)); // the device's own answer, e.g. its sensor is unreachable
        assertEquals("n1", answer(link, 1, 2000));
        assertEquals("n2", answer(link, 2, 2000));
        Await.until(WAIT, () -> stored(t) == 0 && t.metrics.storeDelivered.get() == 3.0);
        assertEquals(3, link.wire.size(), "n0 was not sent again");
    }

    @Test
    void aRequestSentStraightToADeviceWhoseConnectionClosesIsStoredForItsNextConnection() throws Exception {
        TestBus t = bus(settings(Duration.ofSeconds(20), 1000, 100_000, Duration.ofMinutes(5)));
        registerOffline(t, "Cae1");
        RecordingLink first = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", first);
        CompletableFuture<ResponsePrimitive> upstreamWaits = fromUpstream(t, notify("Cae1", "n0"));
        Await.until(WAIT, () -> first.wire.size() == 1);
        // the socket drops while the device still owes the answer, as WsSession.onClosed does it
        t.bus.unbind("Cae1", first);
        assertEquals(1, first.correlator().closeAll("connection ws-1 closed"));
        Await.until(WAIT, () -> stored(t) == 1);
        assertFalse(upstreamWaits.isDone(), "held for the real answer (store.holdFor), not told 5103");

        RecordingLink second = new RecordingLink("ws-2", t.timer, 10);
        t.bus.bind("Cae1", second);
        assertEquals("n0", answer(second, 0, 2000), "delivered again on the next connection");
        assertEquals(2000, await(upstreamWaits).rsc(), "the upstream gets the device's real answer");
        Await.until(WAIT, () -> stored(t) == 0 && t.metrics.storeDelivered.get() == 1.0);
    }

    @Test
    void latestEventCategoryKeepsOnlyTheNewestPerSubscription() throws Exception {
        TestBus t = bus(settings(Duration.ofSeconds(20), 1000, 100_000, Duration.ofMinutes(5)));
        registerOffline(t, "Cae1");
        CompletableFuture<ResponsePrimitive> old = fromUpstream(t, notify("Cae1", "s1-old").toBuilder().ec(4).build());
        fromUpstream(t, notify("Cae1", "s2", "/id-in/sub2").toBuilder().ec(4).build());
        fromUpstream(t, notify("Cae1", "s1-new").toBuilder().ec(4).build());
        ResponsePrimitive replaced = await(old);
        assertEquals(1000, replaced.rsc());
        assertTrue(dbg(replaced).contains("replaced"), dbg(replaced));
        Await.until(WAIT, () -> t.metrics.storeStored.get() == 3.0);
        assertEquals(2, stored(t));
        assertEquals(1.0, t.metrics.storeDropped.labelValues("replaced").get());

        RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", link);
        assertEquals("s2", answer(link, 0, 2000));
        assertEquals("s1-new", answer(link, 1, 2000));
        Await.until(WAIT, () -> stored(t) == 0);
    }

    @Test
    void deregistrationDropsTheStoredRequests() throws Exception {
        TestBus t = bus(settings(Duration.ofSeconds(20), 1000, 100_000, Duration.ofMinutes(5)));
        RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
        RequestPrimitive create = RequestPrimitive.builder().op(Operation.CREATE).to("cse-in").fr("Cae1").rqi("r")
                .rvi("3").ty(2).pc(JsonNodeFactory.instance.objectNode().set("m2m:ae",
                        JsonNodeFactory.instance.objectNode().put("rn", "wsae").put("api", "Nwsae")
                                .put("rr", false)))
                .build();
        assertEquals(2001, await(t.bus.send(create, Ingress.downstream(link))).rsc());
        t.bus.unbind("Cae1", link);
        List<CompletableFuture<ResponsePrimitive>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(fromUpstream(t, notify("Cae1", "n" + i)));
        }
        Await.until(WAIT, () -> stored(t) == 3);

        RequestPrimitive delete = RequestPrimitive.builder().op(Operation.DELETE).to("cse-in/wsae").fr("Cae1")
                .rqi("d").rvi("3").build();
        assertEquals(2002, await(t.bus.send(delete, Ingress.downstream(link))).rsc());
        for (CompletableFuture<ResponsePrimitive> f : held) {
            assertEquals(4004, await(f).rsc());
        }
        assertEquals(0, stored(t));
        assertEquals(3.0, t.metrics.storeDropped.labelValues("deregistered").get());
        t.bus.bind("Cae1", link);
        assertTrue(link.wire.isEmpty(), "nothing delivered after deregistration");
    }

    @Test
    void storedRequestsAndTheRegistrationSurviveABridgeRestart() throws Exception {
        StoreSettings s = new StoreSettings(true, true, dir.toString(), null, null, null, null, null, null,
                Duration.ZERO, null);
        Codecs codecs = new Codecs(CodecLimits.DEFAULT);
        BridgeStorage before = BridgeStorage.open(s, codecs, Path.of(""));
        try (TestBus t = new TestBus(Duration.ofSeconds(5), s, before.registry(), before.deliveries(), upstream)) {
            RecordingLink link = new RecordingLink("ws-1", t.timer, 10);
            RequestPrimitive create = RequestPrimitive.builder().op(Operation.CREATE).to("cse-in").fr("Cae1")
                    .rqi("r").rvi("3").ty(2).pc(JsonNodeFactory.instance.objectNode().set("m2m:ae",
                            JsonNodeFactory.instance.objectNode().put("rn", "wsae").put("api", "Nwsae")))
                    .build();
            assertEquals(2001, await(t.bus.send(create, Ingress.downstream(link))).rsc());
            t.bus.unbind("Cae1", link);
            assertEquals(1000, await(fromUpstream(t, notify("Cae1", "n0"))).rsc());
            assertEquals(1000, await(fromUpstream(t, notify("Cae1", "n1"))).rsc());
        } finally {
            before.close();
        }

        BridgeStorage after = BridgeStorage.open(s, codecs, Path.of(""));
        closing.add(after);
        TestBus t = new TestBus(Duration.ofSeconds(5), s, after.registry(), after.deliveries(), upstream);
        closing.add(t);
        assertEquals(1, t.registry.size(), "registration kept: no re-registration needed");
        RecordingLink link = new RecordingLink("ws-2", t.timer, 10);
        t.bus.bind("Cae1", link);
        assertEquals("n0", answer(link, 0, 2000));
        assertEquals("n1", answer(link, 1, 2000));
        Await.until(WAIT, () -> after.deliveries().count() == 0);
    }
}
