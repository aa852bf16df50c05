package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.TestBus;

/**
 * Issue 14.6: a stored request whose connection closes before the device answers is sent at most
 * {@code store.maxDeliveryAttempts} times (default 3), then dropped and counted, and the queue moves on; the count
 * survives a restart (docs/reliability.md "Delivery on reconnect").
 */
@Timeout(30)
class BoundedRedeliveryTest extends StoreTestSupport {
    private static final StoreSettings AT_ONCE = settings(Duration.ZERO, 1000, 100_000, Duration.ofMinutes(5));

    /** A new connection of {@code entityId} receives {@code rqi} first and closes without answering. */
    private static void receivesAndClosesUnanswered(TestBus t, String entityId, String rqi, String linkId) {
        RecordingLink link = new RecordingLink(linkId, t.timer, 10);
        t.bus.bind(entityId, link);
        Await.until(WAIT, () -> !link.wire.isEmpty(), () -> "a stored request on " + linkId);
        assertEquals(rqi, link.wire.get(0).rqi(), linkId);
        connectionCloses(t, entityId, link);
        assertEquals(1, link.wire.size(), "nothing after the unanswered one on " + linkId);
    }

    @Test
    void aStoredNotifyWhoseConnectionClosesUnansweredThreeTimesIsDroppedAndTheFourthConnectionGetsTheNext()
            throws Exception {
        TestBus t = bus(AT_ONCE);
        registerOffline(t, "Cthyme");
        assertEquals(1000, await(fromUpstream(t, notify("Cthyme", "n0"))).rsc());
        assertEquals(1000, await(fromUpstream(t, notify("Cthyme", "n1"))).rsc());

        for (int attempt = 1; attempt <= 3; attempt++) {
            receivesAndClosesUnanswered(t, "Cthyme", "n0", "ws-" + attempt);
        }
        Await.until(WAIT, () -> dropped(t, "attempts") == 1.0, () -> "n0 dropped after its third attempt");
        assertEquals(1, stored(t));

        RecordingLink fourth = new RecordingLink("ws-4", t.timer, 10);
        t.bus.bind("Cthyme", fourth);
        assertEquals("n1", answer(fourth, 0, 2000), "the queue moved on");
        Await.until(WAIT, () -> stored(t) == 0 && t.metrics.storeDelivered.get() == 1.0);
        assertEquals(1, fourth.wire.size());
    }

    @Test
    void aHeldUpstreamRequestGets5103WhenTheLastAttemptEndsWithoutAnAnswer() throws Exception {
        TestBus t = bus(settings(Duration.ofSeconds(20), 1000, 100_000, Duration.ofMinutes(5))
                .withMaxDeliveryAttempts(2));
        registerOffline(t, "Cae1");
        CompletableFuture<ResponsePrimitive> held = fromUpstream(t, notify("Cae1", "n0"));
        receivesAndClosesUnanswered(t, "Cae1", "n0", "ws-1");
        assertFalse(held.isDone(), "one attempt left: still held");
        receivesAndClosesUnanswered(t, "Cae1", "n0", "ws-2");

        ResponsePrimitive r = await(held);
        assertEquals(5103, r.rsc(), "the last outcome: the connection closed before the answer");
        assertEquals("n0", r.rqi());
        assertTrue(dbg(r).contains("2 times"), dbg(r));
        assertEquals(0, stored(t));
        assertEquals(1.0, dropped(t, "attempts"));
    }

    @Test
    void aDirectDeliveryCutByItsConnectionIsTheFirstAttempt() throws Exception {
        TestBus t = bus(AT_ONCE.withMaxDeliveryAttempts(2));
        registerOffline(t, "Cae1");
        RecordingLink first = new RecordingLink("ws-1", t.timer, 10);
        t.bus.bind("Cae1", first);
        CompletableFuture<ResponsePrimitive> upstreamWaits = fromUpstream(t, notify("Cae1", "n0"));
        Await.until(WAIT, () -> first.wire.size() == 1);
        connectionCloses(t, "Cae1", first);
        assertEquals(1000, await(upstreamWaits).rsc(), "stored after the cut (holdFor 0)");

        receivesAndClosesUnanswered(t, "Cae1", "n0", "ws-2");
        Await.until(WAIT, () -> dropped(t, "attempts") == 1.0 && stored(t) == 0);
    }

    @Test
    void theAttemptCountSurvivesABridgeRestart() throws Exception {
        StoreSettings s = durable(Duration.ZERO, Duration.ofMinutes(5));
        TestBus before = restartedBus(s);
        assertEquals(2001, await(fromDevice(before, createAe("Cdur", "dur"), new RecordingLink("ws-0", before.timer,
                10))).rsc());
        before.bus.unbind("Cdur", before.bus.boundLink("Cdur").orElseThrow());
        for (String rqi : List.of("n0", "n1")) {
            assertEquals(1000, await(fromUpstream(before, notify("Cdur", rqi))).rsc());
        }
        receivesAndClosesUnanswered(before, "Cdur", "n0", "ws-1");
        receivesAndClosesUnanswered(before, "Cdur", "n0", "ws-2");
        stop(before); // the bus lets the writer finish what it was given, then the file is closed

        TestBus after = restartedBus(s);
        receivesAndClosesUnanswered(after, "Cdur", "n0", "ws-3");
        Await.until(WAIT, () -> dropped(after, "attempts") == 1.0,
                () -> "dropped at its third attempt, two of them before the restart");
        RecordingLink fourth = new RecordingLink("ws-4", after.timer, 10);
        after.bus.bind("Cdur", fourth);
        assertEquals("n1", answer(fourth, 0, 2000));
        Await.until(WAIT, () -> stored(after) == 0);
    }
}
