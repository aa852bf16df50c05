package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

/**
 * Issue 14.7: each successful registration of an entity ID is a new incarnation that never receives what was stored
 * for an earlier one; a registration ends when its resource expires ({@code et}) or when the registrar answers 4004
 * for it (docs/reliability.md "Registrations: incarnations and expiry").
 */
@Timeout(30)
class RegistrationLifecycleTest extends StoreTestSupport {
    private static final StoreSettings HOLDING = settings(Duration.ofSeconds(20), 1000, 100_000, Duration.ofMinutes(5));

    /** The scripted CSE, but the registration's answer carries {@code et} = {@code expiresAt}. */
    private void registrationsExpireAt(Instant expiresAt) {
        upstream.answering(answerWith(r -> r.isRegistration() ? Deadlines.format(expiresAt) : null));
    }

    private static Function<RequestPrimitive, CompletableFuture<ResponsePrimitive>> answerWith(
            Function<RequestPrimitive, String> et) {
        return r -> {
            ResponsePrimitive answer = ScriptedUpstream.acmeLike(r);
            String value = et.apply(r);
            if (value != null && answer.pc() != null && answer.pc().has("m2m:ae")) {
                ObjectNode pc = answer.pc().deepCopy();
                ((ObjectNode) pc.get("m2m:ae")).put("et", value);
                answer = answer.toBuilder().pc(pc).build();
            }
            return CompletableFuture.completedFuture(answer);
        };
    }

    private RecordingLink registered(TestBus t, String aeId, String rn, String linkId) throws Exception {
        RecordingLink link = new RecordingLink(linkId, t.timer, 10);
        assertEquals(2001, await(fromDevice(t, createAe(aeId, rn), link)).rsc());
        return link;
    }

    @Test
    void aNewRegistrationOfTheSameAeIdNeverReceivesWhatWasStoredForTheEarlierOne() throws Exception {
        TestBus t = bus(HOLDING);
        RecordingLink first = registered(t, "Cae1", "ae1", "ws-1");
        long incarnation = t.registry.byEntityId("Cae1").orElseThrow().incarnation();
        connectionCloses(t, "Cae1", first);
        CompletableFuture<ResponsePrimitive> held = fromUpstream(t, notify("Cae1", "old"));
        Await.until(WAIT, () -> stored(t) == 1);

        // the CSE forgot the AE (deleted, or restarted with a memory database): it registers again, same AE-ID
        RecordingLink second = registered(t, "Cae1", "ae1", "ws-2");
        assertNotEquals(incarnation, t.registry.byEntityId("Cae1").orElseThrow().incarnation());
        Await.until(WAIT, () -> dropped(t, "incarnation") == 1.0 || !second.wire.isEmpty(),
                () -> "the old request dropped or delivered");
        assertTrue(second.wire.isEmpty(), "delivered to the new incarnation: " + second.wire);
        ResponsePrimitive r = await(held);
        assertEquals(4004, r.rsc(), "its target, the earlier registration, is gone");
        assertTrue(dbg(r).contains("registered again"), dbg(r));
        assertEquals(0, stored(t));

        CompletableFuture<ResponsePrimitive> fresh = fromUpstream(t, notify("Cae1", "new"));
        assertEquals("new", answer(second, 0, 2000), "what comes for the new one goes straight to it");
        assertEquals(2000, await(fresh).rsc());
    }

    @Test
    void aRestartKeepsTheIncarnationAndARegistrationAfterItStillDropsTheEarlierOnesRequests() throws Exception {
        StoreSettings s = durable(Duration.ZERO, Duration.ofMinutes(5));
        TestBus before = restartedBus(s);
        connectionCloses(before, "Cdur", registered(before, "Cdur", "dur", "ws-1"));
        for (int i = 0; i < 3; i++) {
            assertEquals(1000, await(fromUpstream(before, notify("Cdur", "n" + i))).rsc());
        }
        stop(before);

        TestBus after = restartedBus(s);
        RecordingLink back = new RecordingLink("ws-2", after.timer, 10);
        after.bus.bind("Cdur", back); // re-identified, no new registration: same incarnation, delivered
        assertEquals("n0", answer(back, 0, 2000));
        connectionCloses(after, "Cdur", back);
        Await.until(WAIT, () -> stored(after) == 2);

        registered(after, "Cdur", "dur", "ws-3");
        Await.until(WAIT, () -> dropped(after, "incarnation") == 2.0 && stored(after) == 0);
    }

    @Test
    void aRegistrationWhoseEtPassesEndsItsStoredRequestsAreDroppedAndItsRequestsGet4004() throws Exception {
        TestBus t = bus(settings(Duration.ZERO, 1000, 100_000, Duration.ofMillis(100)));
        registrationsExpireAt(Instant.now().plusMillis(1500));
        connectionCloses(t, "Cexp", registered(t, "Cexp", "exp", "ws-1"));
        assertEquals(1000, await(fromUpstream(t, notify("Cexp", "n0"))).rsc());
        assertEquals(1, stored(t));

        Await.until(WAIT, () -> t.registry.size() == 0, () -> "registration ended at its et");
        Await.until(WAIT, () -> stored(t) == 0 && dropped(t, "registration_expired") == 1.0);
        assertEquals(1.0, t.metrics.deregistrations.labelValues("expired").get());
        assertEquals(4004, await(fromUpstream(t, notify("Cexp", "n1"))).rsc());
        assertEquals(0, stored(t), "nothing stays stored");
    }

    @Test
    void anExpiredRegistrationIsNotFoundEvenBeforeTheSweepRuns() throws Exception {
        TestBus t = bus(settings(Duration.ZERO, 1000, 100_000, Duration.ofMinutes(5)));
        Instant et = Instant.now().plusMillis(300);
        registrationsExpireAt(et);
        connectionCloses(t, "Cexp", registered(t, "Cexp", "exp", "ws-1"));
        assertEquals(et.truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                t.registry.byEntityId("Cexp").orElseThrow().expiresAt(), "et of the CSE's answer kept");
        timePasses(Math.max(0, Duration.between(Instant.now(), et).toMillis()) + 50);

        assertEquals(4004, await(fromUpstream(t, notify("Cexp", "late"))).rsc());
        Await.until(WAIT, () -> t.registry.size() == 0);
        assertEquals(0, stored(t));
    }

    @Test
    void anUpdateAnsweredWithALaterEtKeepsTheRegistration() throws Exception {
        TestBus t = bus(settings(Duration.ZERO, 1000, 100_000, Duration.ofMillis(100)));
        Instant soon = Instant.now().plusMillis(800);
        Instant later = Instant.now().plusSeconds(3600);
        // the CSE answers the CREATE with et soon, and echoes the UPDATE (it sets et later)
        upstream.answering(answerWith(r -> r.isRegistration() ? Deadlines.format(soon) : null));
        RecordingLink link = registered(t, "Cup", "up", "ws-1");
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        pc.putObject("m2m:ae").put("et", Deadlines.format(later));
        RequestPrimitive update = RequestPrimitive.builder().op(Operation.UPDATE).to("cse-in/up").fr("Cup")
                .rqi("u").rvi("3").pc(pc).build();
        assertEquals(2004, await(fromDevice(t, update, link)).rsc());
        assertEquals(later.truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                t.registry.byEntityId("Cup").orElseThrow().expiresAt());

        timePasses(Math.max(0, Duration.between(Instant.now(), soon).toMillis()) + 300); // a few sweeps past it
        assertTrue(t.registry.byEntityId("Cup").isPresent(), "still registered after the first et");
        assertEquals(0.0, t.metrics.deregistrations.labelValues("expired").get());
    }

    @Test
    void theRegistrarAnswering4004ForTheEntitysOwnResourceEndsTheRegistration() throws Exception {
        TestBus t = bus(settings(Duration.ZERO, 1000, 100_000, Duration.ofMinutes(5)));
        RecordingLink link = registered(t, "Cgone", "gone", "ws-1");
        connectionCloses(t, "Cgone", link);
        assertEquals(1000, await(fromUpstream(t, notify("Cgone", "n0"))).rsc());
        // the CSE lost the AE (memory database, restarted): everything is 4004 now
        upstream.answering(r -> CompletableFuture.completedFuture(ResponsePrimitive.builder(4004, r.rqi()).build()));
        RecordingLink back = new RecordingLink("ws-2", t.timer, 10); // the device back, its requests not bound yet
        RequestPrimitive other = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in/gone/cnt").fr("Cgone")
                .rqi("c").rvi("3").build();
        assertEquals(4004, await(fromDevice(t, other, back)).rsc());
        assertTrue(t.registry.byEntityId("Cgone").isPresent(), "a 4004 for another resource proves nothing");

        RequestPrimitive own = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in/gone").fr("Cgone")
                .rqi("o").rvi("3").build();
        assertEquals(4004, await(fromDevice(t, own, back)).rsc());
        assertTrue(t.registry.byEntityId("Cgone").isEmpty(), "the registration resource is gone");
        assertEquals(1.0, t.metrics.deregistrations.labelValues("not_found").get());
        Await.until(WAIT, () -> stored(t) == 0 && dropped(t, "deregistered") == 1.0);
    }
}
