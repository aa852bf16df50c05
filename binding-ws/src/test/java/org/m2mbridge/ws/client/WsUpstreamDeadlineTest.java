package org.m2mbridge.ws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.ws.Metrics;

/**
 * A frozen upstream behind the bridge's WebSocket client: every request that runs out of time gets 4008 from the
 * upstream itself, with its own rqi, and {@code m2mbridge_upstream_errors_total{kind="timeout"}} counts it, whether
 * it was on the socket, waiting for a slot in the window, or waiting for the connection to open
 * (docs/reliability.md, "Deadline outcomes").
 */
@Timeout(60)
class WsUpstreamDeadlineTest {

    /** rqet 1000: a relative request expiration of one second (TS-0004 6.4.1). */
    private static List<CompletableFuture<ResponsePrimitive>> send(ClientBus a, int n) {
        RecordingLink device = new RecordingLink("dev", a.bus.timer, 16);
        List<CompletableFuture<ResponsePrimitive>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(a.bus.bus.send(RequestPrimitive.builder().op(Operation.RETRIEVE).to("/id-in/cnt" + i).fr("Cae")
                    .rqi("q" + i).rvi("3").rqet("1000").build(), Ingress.downstream(device)));
        }
        return all;
    }

    private static void assertEach4008(List<CompletableFuture<ResponsePrimitive>> all) throws Exception {
        for (int i = 0; i < all.size(); i++) {
            ResponsePrimitive r = all.get(i).get(10, TimeUnit.SECONDS);
            assertEquals(4008, r.rsc(), String.valueOf(r));
            assertEquals("q" + i, r.rqi());
        }
    }

    private static double timeouts(ClientBus a) {
        return Metrics.value(a.bus.metrics.registry(), "m2mbridge_upstream_errors", "upstream", "b", "kind",
                "timeout");
    }

    /**
     * The upstream counts a timeout right after the 4008 it completes has been handed on, so the count can trail
     * the answers by a moment: wait for it, then check it is exact (one per request, never two).
     */
    private static void awaitTimeouts(ClientBus a, double expected) {
        Await.within(Duration.ofSeconds(5), () -> timeouts(a) >= expected);
        assertEquals(expected, timeouts(a));
    }

    @Test
    void upgradedThenSilent() throws Exception {
        try (FrozenWsServer frozen = new FrozenWsServer(true);
             ClientBus a = new ClientBus(frozen.url(), "      maxInflight: 16\n")) {
            Await.until(Duration.ofSeconds(10), () -> a.upstream.view().isPresent());
            // 16 on the socket, 84 waiting for a slot in the window
            assertEach4008(send(a, 100));
            awaitTimeouts(a, 100.0);
        }
    }

    @Test
    void acceptedButTheUpgradeIsNeverAnswered() throws Exception {
        try (FrozenWsServer frozen = new FrozenWsServer(false);
             ClientBus a = new ClientBus(frozen.url(), "      connectTimeout: 20s\n")) {
            Await.until(Duration.ofSeconds(10), () -> frozen.connections() == 1);
            long t0 = System.nanoTime();
            assertEach4008(send(a, 20));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 8000, "at the 1 s deadline, not the 10 s default or ws.connectTimeout: " + ms + " ms");
            awaitTimeouts(a, 20.0);
        }
    }

    /** One deadline timer per exchange: the socket's correlator, no bus guard on top (Link#completesByDeadline). */
    @Test
    void aRequestOnTheSocketHasOneDeadlineTimer() throws Exception {
        try (FrozenWsServer frozen = new FrozenWsServer(true);
             ClientBus a = new ClientBus(frozen.url(), "")) {
            Await.until(Duration.ofSeconds(10), () -> a.upstream.view().isPresent());
            ScheduledThreadPoolExecutor timer = (ScheduledThreadPoolExecutor) a.bus.timer;
            int before = timer.getQueue().size();
            CompletableFuture<ResponsePrimitive> answer = send(a, 1).get(0);
            Await.until(Duration.ofSeconds(5), () -> a.upstream.view().map(v -> v.inflight()).orElse(0) == 1,
                    "the request on the socket");
            assertEquals(before + 1, timer.getQueue().size(), "the correlator's timer only");
            assertEquals(4008, answer.get(10, TimeUnit.SECONDS).rsc());
        }
    }
}
