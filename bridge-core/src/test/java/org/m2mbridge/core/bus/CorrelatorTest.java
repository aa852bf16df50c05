package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Each branch of {@link Correlator}, with no link and no sockets: the wire rqi it chooses, which responses it
 * matches, its bound, the one 4008 at the deadline and the ways all outstanding requests end.
 */
class CorrelatorTest {
    private static final Instant FAR = Instant.now().plusSeconds(3600);

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final AtomicInteger timedOut = new AtomicInteger();
    private final AtomicInteger late = new AtomicInteger();
    private final Correlator correlator = new Correlator("ws-1", timer, 3, new Correlator.Listener() {
        @Override
        public void timedOut() {
            timedOut.incrementAndGet();
        }

        @Override
        public void lateResponse() {
            late.incrementAndGet();
        }
    });

    {
        timer.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static RequestPrimitive request(String rqi) {
        return RequestPrimitive.builder().op(Operation.NOTIFY).to("Cae1").fr("/id-in").rqi(rqi).build();
    }

    private Correlator.Pending expect(String rqi) {
        return correlator.expect(request(rqi), FAR).orElseThrow();
    }

    // ---- the rqi on the wire -------------------------------------------------------------------------------

    static Stream<Arguments> wireRqis() {
        return Stream.of(
                // outstanding already, the caller's rqi, the wire rqi expected
                Arguments.of(List.of(), "a", "a"),
                Arguments.of(List.of("b"), "a", "a"),
                Arguments.of(List.of("a"), "a", "a~1"),
                Arguments.of(List.of("a", "a"), "a", "a~2"),
                Arguments.of(List.of(), null, "ws-1~1"),
                Arguments.of(List.of("x"), null, "ws-1~1"));
    }

    @ParameterizedTest(name = "outstanding {0}, rqi {1}: on the wire {2}")
    @MethodSource("wireRqis")
    void aTakenOrMissingRqiIsReplacedOnTheWireAndMappedBack(List<String> outstanding, String rqi, String wire) {
        outstanding.forEach(this::expect);
        RequestPrimitive sent = request(rqi);
        Correlator.Pending p = correlator.expect(sent, FAR).orElseThrow();
        assertEquals(wire, p.wireRequest().rqi());
        if (wire.equals(rqi)) {
            assertSame(sent, p.wireRequest(), "not copied when the rqi is free");
        }
        assertTrue(correlator.complete(ResponsePrimitive.builder(2000, wire).build()));
        assertEquals(rqi, p.response().join().rqi(), "the caller sees its own rqi");
        assertEquals(outstanding.size(), correlator.outstanding());
    }

    // ---- responses -----------------------------------------------------------------------------------------

    static Stream<Arguments> unmatched() {
        return Stream.of(
                Arguments.of("no rqi", null),
                Arguments.of("an rqi never sent", "zzz"),
                Arguments.of("the caller's rqi, not the wire's", "a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unmatched")
    void aResponseMatchingNothingOutstandingIsLate(String why, String rqi) {
        expect("a");
        Correlator.Pending second = expect("a"); // on the wire as a~1
        assertEquals("a~1", second.wireRequest().rqi());
        correlator.complete(ResponsePrimitive.builder(2000, "a").build()); // completes the first
        late.set(0);
        assertFalse(correlator.complete(ResponsePrimitive.builder(2000, rqi).build()), why);
        assertEquals(1, late.get());
        assertFalse(second.response().isDone());
    }

    @Test
    void aSecondResponseToTheSameRequestIsLate() {
        Correlator.Pending p = expect("a");
        assertTrue(correlator.complete(ResponsePrimitive.builder(2000, "a").build()));
        assertFalse(correlator.complete(ResponsePrimitive.builder(2001, "a").build()));
        assertEquals(2000, p.response().join().rsc());
        assertEquals(1, late.get());
        assertEquals(0, timer.getQueue().size(), "the deadline timer went with the answer");
    }

    @Test
    void atTheBoundNothingMoreIsExpected() {
        expect("a");
        expect("b");
        expect("c");
        assertTrue(correlator.expect(request("d"), FAR).isEmpty());
        correlator.complete(ResponsePrimitive.builder(2000, "b").build());
        assertTrue(correlator.expect(request("d"), FAR).isPresent(), "a slot freed by an answer");
    }

    // ---- deadline ------------------------------------------------------------------------------------------

    @Test
    void theDeadlineAnswers4008OnceAndALaterResponseIsLate() throws Exception {
        Correlator.Pending p = correlator.expect(request("a"), Instant.now()).orElseThrow();
        ResponsePrimitive r = p.response().get(5, TimeUnit.SECONDS);
        assertEquals(ResponseStatusCode.REQUEST_TIMEOUT.code(), r.rsc());
        assertEquals("a", r.rqi());
        assertEquals(ResponseFlag.UT, r.flag());
        assertEquals(1, timedOut.get(), "counted before it completed");
        assertEquals(0, correlator.outstanding());
        assertFalse(correlator.complete(ResponsePrimitive.builder(2000, "a").build()));
        assertEquals(1, late.get());
    }

    @Test
    void oneTimerPerOutstandingRequest() {
        expect("a");
        expect("b");
        assertEquals(2, timer.getQueue().size());
    }

    // ---- ending everything ---------------------------------------------------------------------------------

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(ResponseStatusCode.REQUEST_TIMEOUT, ResponseFlag.UT),
                Arguments.of(ResponseStatusCode.TARGET_NOT_REACHABLE, ResponseFlag.UC),
                Arguments.of(ResponseStatusCode.INTERNAL_SERVER_ERROR, ResponseFlag.UC));
    }

    @ParameterizedTest(name = "{0}: flag {1}")
    @MethodSource("failures")
    void failAllAnswersEveryOutstandingRequestWithItsOwnRqi(ResponseStatusCode status, ResponseFlag flag) {
        List<Correlator.Pending> all = new ArrayList<>(List.of(expect("a"), expect("a"), expect(null)));
        assertEquals(3, correlator.failAll(status, "gone"));
        List<String> rqis = new ArrayList<>();
        for (Correlator.Pending p : all) {
            ResponsePrimitive r = p.response().join();
            assertEquals(status.code(), r.rsc());
            assertEquals(flag, r.flag());
            rqis.add(r.rqi());
        }
        assertEquals(Arrays.asList("a", "a", null), rqis);
        assertEquals(0, correlator.outstanding());
        assertEquals(0, timer.getQueue().size(), "their timers cancelled");
        assertEquals(0, correlator.failAll(status, "again"), "nothing left to fail");
        assertEquals(0, timedOut.get());
    }

    @Test
    void closeAllFailsWithLinkClosedSoTheStoreCanKeepThem() {
        CompletableFuture<ResponsePrimitive> f = expect("a").response();
        assertEquals(1, correlator.closeAll("socket closed"));
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertInstanceOf(LinkClosedException.class, e.getCause());
        assertEquals(0, correlator.outstanding());
        assertEquals(0, timer.getQueue().size(), "its timer cancelled");
    }
}
