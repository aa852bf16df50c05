package org.m2mbridge.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.bus.DeliveryStore;
import org.m2mbridge.core.bus.StoredRequest;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.RequestPrimitive;

/** What every {@link DeliveryStore} must do; run against each implementation. */
@Timeout(30)
abstract class DeliveryStoreContract {
    static final PrimitiveCodec JSON = new Codecs(CodecLimits.DEFAULT).get(Serialization.JSON);
    static final Instant LATER = Instant.now().plus(1, ChronoUnit.HOURS);
    private DeliveryStore store;

    /** A fresh, empty store with these bounds. */
    abstract DeliveryStore open(StoreBounds bounds);

    DeliveryStore store(StoreBounds bounds) {
        store = open(bounds);
        return store;
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    static int size(RequestPrimitive r) {
        return JSON.encode(r).length;
    }

    @Test
    void keepsArrivalOrderPerEntityAndEveryParameter() {
        DeliveryStore s = store(new StoreBounds(100, 1 << 20, 1000, 1 << 24));
        for (int i = 0; i < 5; i++) {
            assertTrue(s.offer("Ca", Requests.notify("Ca", "a" + i), LATER).accepted());
            assertTrue(s.offer("Cb", Requests.notify("Cb", "b" + i), LATER).accepted());
        }
        RequestPrimitive rich = Requests.notify("Ca", "rich").toBuilder().ec(4).rqet("20991231T000000")
                .ot("20260101T000000").rset("20991231T000000").build();
        StoredRequest stored = s.offer("Ca", rich, LATER).stored().orElseThrow();
        assertEquals(List.of("a0", "a1", "a2", "a3", "a4", "rich"),
                s.pending("Ca").stream().map(r -> r.request().rqi()).toList());
        assertEquals(rich, s.pending("Ca").get(5).request(), "stored request must come back unchanged");
        assertEquals(stored.id(), s.pending("Ca").get(5).id());
        assertEquals("a0", s.peek("Ca").orElseThrow().request().rqi());
        assertEquals("a0", s.peek("Ca").orElseThrow().request().rqi(), "peek leaves it in place");
        assertEquals("a0", s.poll("Ca").orElseThrow().request().rqi());
        assertEquals("a1", s.poll("Ca").orElseThrow().request().rqi());
        assertEquals("b0", s.peek("Cb").orElseThrow().request().rqi());
        assertEquals(4, s.count("Ca"));
        assertEquals(5, s.count("Cb"));
        assertEquals(9, s.count());
        assertEquals(Set.of("Ca", "Cb"), s.entities());
        assertTrue(s.peek("Cnobody").isEmpty());
    }

    @Test
    void removeByIdAndRemoveAllKeepTheAccountsRight() {
        DeliveryStore s = store(new StoreBounds(100, 1 << 20, 1000, 1 << 24));
        long a0 = s.offer("Ca", Requests.notify("Ca", "a0"), LATER).stored().orElseThrow().id();
        s.offer("Ca", Requests.notify("Ca", "a1"), LATER);
        s.offer("Cb", Requests.notify("Cb", "b0"), LATER);
        long one = size(Requests.notify("Ca", "a0"));
        assertEquals(2 * one, s.bytes("Ca"));
        assertTrue(s.remove(a0));
        assertFalse(s.remove(a0), "removing twice reports false");
        assertEquals(one, s.bytes("Ca"));
        assertEquals(List.of("a1"), s.removeAll("Ca").stream().map(r -> r.request().rqi()).toList());
        assertEquals(0, s.count("Ca"));
        assertEquals(0, s.bytes("Ca"));
        assertEquals(1, s.count());
        assertEquals(size(Requests.notify("Cb", "b0")), s.bytes());
        assertEquals(Set.of("Cb"), s.entities());
    }

    @Test
    void boundedPerEntityByCount() {
        DeliveryStore s = store(new StoreBounds(3, 1 << 20, 1000, 1 << 24));
        for (int i = 0; i < 3; i++) {
            assertEquals(DeliveryStore.Outcome.STORED, s.offer("Ca", Requests.notify("Ca", "a" + i), LATER).outcome());
        }
        DeliveryStore.Offered refused = s.offer("Ca", Requests.notify("Ca", "a3"), LATER);
        assertEquals(DeliveryStore.Outcome.FULL_ENTITY, refused.outcome());
        assertTrue(refused.stored().isEmpty());
        assertEquals(3, s.count("Ca"));
        assertTrue(s.offer("Cb", Requests.notify("Cb", "b0"), LATER).accepted(), "other entities unaffected");
    }

    @Test
    void boundedPerEntityByBytes() {
        int one = size(Requests.notify("Ca", "a0", 1000));
        DeliveryStore s = store(new StoreBounds(100, 2L * one + one / 2, 1000, 1 << 24));
        assertTrue(s.offer("Ca", Requests.notify("Ca", "a0", 1000), LATER).accepted());
        assertTrue(s.offer("Ca", Requests.notify("Ca", "a1", 1000), LATER).accepted());
        assertEquals(DeliveryStore.Outcome.FULL_ENTITY,
                s.offer("Ca", Requests.notify("Ca", "a2", 1000), LATER).outcome());
        assertTrue(s.offer("Ca", Requests.notify("Ca", "small", 1), LATER).accepted(), "a small one still fits");
        assertTrue(s.bytes("Ca") <= 2L * one + one / 2);
    }

    @Test
    void boundedGloballyByCount() {
        DeliveryStore s = store(new StoreBounds(10, 1 << 20, 4, 1 << 24));
        for (int i = 0; i < 4; i++) {
            assertTrue(s.offer("C" + i, Requests.notify("C" + i, "r" + i), LATER).accepted());
        }
        assertEquals(DeliveryStore.Outcome.FULL_GLOBAL, s.offer("Cx", Requests.notify("Cx", "rx"), LATER).outcome());
        assertEquals(4, s.count());
        s.poll("C0");
        assertTrue(s.offer("Cx", Requests.notify("Cx", "rx"), LATER).accepted(), "room again after a removal");
    }

    @Test
    void boundedGloballyByBytes() {
        int one = size(Requests.notify("C0", "r0", 1000));
        DeliveryStore s = store(new StoreBounds(10, 1 << 20, 1000, 3L * one));
        for (int i = 0; i < 3; i++) {
            assertTrue(s.offer("C" + i, Requests.notify("C" + i, "r" + i, 1000), LATER).accepted());
        }
        assertEquals(DeliveryStore.Outcome.FULL_GLOBAL,
                s.offer("C3", Requests.notify("C3", "r3", 1000), LATER).outcome());
        assertEquals(3L * one, s.bytes());
    }

    @Test
    void purgeExpiredRemovesAndReturnsOnlyExpiredEntries() {
        DeliveryStore s = store(new StoreBounds(100, 1 << 20, 1000, 1 << 24));
        Instant now = Instant.now();
        s.offer("Ca", Requests.notify("Ca", "old"), now.minusSeconds(1));
        s.offer("Ca", Requests.notify("Ca", "fresh"), now.plusSeconds(60));
        s.offer("Cb", Requests.notify("Cb", "due"), now);
        List<StoredRequest> purged = s.purgeExpired(now);
        assertEquals(List.of("old", "due"), purged.stream().map(r -> r.request().rqi()).toList());
        assertEquals(List.of("fresh"), s.pending("Ca").stream().map(r -> r.request().rqi()).toList());
        assertEquals(1, s.count());
        assertEquals(Set.of("Ca"), s.entities());
        assertTrue(s.purgeExpired(now).isEmpty());
    }

    @Test
    void keepsTheIncarnationAndCountsDeliveryAttempts() {
        DeliveryStore s = store(new StoreBounds(100, 1 << 20, 1000, 1 << 24));
        StoredRequest first = s.offer("Ca", 7, Requests.notify("Ca", "a0"), LATER, 1).stored().orElseThrow();
        s.offer("Ca", 8, Requests.notify("Ca", "a1"), LATER, 0);
        assertEquals(7, first.incarnation());
        assertEquals(1, first.attempts());

        assertEquals(2, s.attempted(first.id()).orElseThrow().attempts());
        StoredRequest head = s.peek("Ca").orElseThrow();
        assertEquals(2, head.attempts(), "the count is kept with the entry");
        assertEquals(7, head.incarnation());
        assertEquals(first.bytes(), head.bytes(), "counting does not change the accounted size");
        assertEquals(first.bytes() + s.pending("Ca").get(1).bytes(), s.bytes());

        assertEquals(List.of("a0"), s.removeIf("Ca", r -> r.incarnation() != 8).stream()
                .map(r -> r.request().rqi()).toList(), "only the other incarnation's");
        assertTrue(s.attempted(first.id()).isEmpty(), "gone: nothing to count");
        assertEquals(List.of("a1"), s.pending("Ca").stream().map(r -> r.request().rqi()).toList());
        assertEquals(0, s.pending("Ca").get(0).attempts());
    }
}
