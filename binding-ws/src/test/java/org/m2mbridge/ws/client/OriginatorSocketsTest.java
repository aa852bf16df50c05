package org.m2mbridge.ws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which socket an originator's requests take in {@code ws.sockets: per-entity} mode, and when it goes. */
class OriginatorSocketsTest {
    /** A socket is just its originator here ("-" for none), made new each time. */
    private record Socket(String originator) {
    }

    private final OriginatorSockets<Socket> sockets =
            new OriginatorSockets<>(3, o -> new Socket(o == null ? "-" : o));

    @Test
    void aRegistrationWithoutAnIdGetsASocketOfItsOwnThatGoesWhenAnswered() {
        Socket a = sockets.acquire(null).orElseThrow();
        Socket b = sockets.acquire(null).orElseThrow();
        assertNotSame(a, b);
        assertEquals(2, sockets.size());
        assertTrue(sockets.release(a));
        assertFalse(sockets.release(a), "released once only");
        assertEquals(1, sockets.size());
    }

    @Test
    void anOriginatorsRequestsShareItsSocketUntilTheLastIsAnswered() {
        Socket first = sockets.acquire("/id-mn").orElseThrow();
        assertSame(first, sockets.acquire("/id-mn").orElseThrow());
        assertFalse(sockets.release(first));
        assertTrue(sockets.release(first));
        assertNotSame(first, sockets.acquire("/id-mn").orElseThrow(), "a new one after it went");
    }

    @Test
    void aRegisteredEntityKeepsItsSocketUntilDeregisteredAndIdle() {
        Socket s = sockets.acquire("Cae1").orElseThrow();
        assertSame(s, sockets.own("Cae1").orElseThrow(), "the registration's socket becomes the entity's");
        assertFalse(sockets.release(s), "kept after its registration was answered");
        assertTrue(sockets.isOwned(s));
        assertSame(s, sockets.acquire("Cae1").orElseThrow());
        assertEquals(Optional.empty(), sockets.disown("Cae1"), "a request is still in flight on it");
        assertFalse(sockets.isOwned(s));
        assertTrue(sockets.release(s), "the last answer lets it go");
        assertEquals(0, sockets.size());
        Socket own = sockets.own("Cae2").orElseThrow();
        assertEquals(Optional.of(own), sockets.disown("Cae2"), "idle: closed at once");
        assertEquals(Optional.empty(), sockets.disown("Cae2"));
    }

    @Test
    void atMostMaxSocketsExist() {
        sockets.own("Cae1").orElseThrow();
        sockets.own("Cae2").orElseThrow();
        Socket anonymous = sockets.acquire(null).orElseThrow();
        assertEquals(Optional.empty(), sockets.acquire("Cae3"));
        assertEquals(Optional.empty(), sockets.own("Cae3"));
        assertTrue(sockets.acquire("Cae1").isPresent(), "an existing socket is still there for its originator");
        assertTrue(sockets.release(anonymous));
        assertTrue(sockets.own("Cae3").isPresent(), "room again");
    }
}
