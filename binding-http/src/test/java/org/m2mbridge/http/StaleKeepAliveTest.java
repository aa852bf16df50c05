package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.http.config.HttpUpstreamSettings;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;

/**
 * Pooled keep-alive connections that the upstream closed while idle must not turn into failed requests (a
 * prototype lost 21 of 40,000 requests this way after two idle minutes).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StaleKeepAliveTest {
    private static final HttpUpstreamSettings SLOW_ACCEPT =
            new HttpUpstreamSettings(null, Duration.ofSeconds(60), null, null, null, null, null, null, null);

    private static RequestPrimitive request(int i) {
        RequestPrimitive.Builder b = RequestPrimitive.builder().fr("Cae1").rqi("rq-" + i).rvi("3");
        return i % 2 == 0 ? b.op(Operation.RETRIEVE).to("cse-in/ae1/data").build()
                : b.op(Operation.CREATE).to("cse-in/ae1/data").ty(4)
                        .pc(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                                .set("m2m:cin", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                                        .objectNode().put("con", "21.5"))).build();
    }

    /** Sends {@code n} requests at once and checks every one got its real answer. */
    private static void burst(UpstreamHarness h, int from, int n) throws Exception {
        List<CompletableFuture<ResponsePrimitive>> answers = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            answers.add(h.upstream.deliver(request(i), Instant.now().plusSeconds(20)));
        }
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ResponsePrimitive r = answers.get(i).get(30, TimeUnit.SECONDS);
            int expected = (from + i) % 2 == 0 ? 2000 : 2001;
            if (r.rsc() != expected || !r.rqi().equals("rq-" + (from + i))) {
                wrong.add("rq-" + (from + i) + " -> " + r.rsc() + " " + r.pc());
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + n + " requests failed, e.g. " + wrong.stream().limit(3).toList());
    }

    @Test
    void idleConnectionsClosedByTheUpstreamNeverFailARequest() throws Exception {
        // The upstream's own timeout is long enough never to fire during a burst; the test fires it between
        // bursts with closeIdleConnections(), i.e. exactly while every connection sits idle in the client's pool.
        try (KeepAliveServer cse = new KeepAliveServer(30_000, false);
             // Defaults on purpose (idle eviction 30s, not below the upstream's keep-alive): the bridge must cope
             // even when the operator does not know the upstream's keep-alive timeout. Only the connect timeout is
             // long: the test server accepts on one thread, which a loaded machine can starve for seconds, and a
             // slow accept is not what this test is about.
             UpstreamHarness h = new UpstreamHarness(cse.url(), "json", SLOW_ACCEPT)) {
            // Warm the code paths up first.
            for (int i = 0; i < 20; i++) {
                burst(h, 50_000 + i, 1);
            }
            for (int round = 0; round < 2; round++) {
                burst(h, round * 10_000, 200); // warm the pool with concurrent traffic
                assertTrue(cse.opened.get() > 1, "the warm-up used several pooled connections");
                // Idle longer than the upstream's keep-alive: it closes every pooled connection.
                cse.closeIdleConnections();
                assertTrue(Await.within(Duration.ofSeconds(10), () -> cse.open.get() == 0),
                        "upstream closed its idle connections, open=" + cse.open.get());
                burst(h, round * 10_000 + 1000, 2000);
            }
            assertEquals(0.0, h.errors("closed") + h.errors("connect") + h.errors("timeout"));
            assertEquals(20 + 2 * 2200, cse.requests.get(), "every request reached the upstream exactly once");
        }
    }

    /**
     * The race itself: the upstream closes connections on its own 1 s keep-alive clock (announced, as Node does)
     * while traffic comes in waves whose idle gaps straddle that second. A connection reused at the instant the
     * upstream closes it would fail a POST that must not be retried; the bridge retires connections before the
     * announced timeout, so none is lost.
     */
    @Test
    void connectionsAreRetiredBeforeTheUpstreamsAnnouncedKeepAliveTimeout() throws Exception {
        try (KeepAliveServer cse = new KeepAliveServer(1000, true);
             UpstreamHarness h = new UpstreamHarness(cse.url(), "json", SLOW_ACCEPT)) {
            int sent = 0;
            for (int wave = 0; wave < 12; wave++) {
                burst(h, 20_000 + wave * 100, 50);
                sent += 50;
                idleFor(Duration.ofMillis(850 + 25 * wave)); // 850..1125 ms: before, at and after the timeout
            }
            assertEquals(0.0, h.errors("closed") + h.errors("connect") + h.errors("timeout"));
            assertEquals(sent, cse.requests.get(), "every request reached the upstream exactly once");
        }
    }

    /** A deliberate idle period (not a wait for a condition): the point of the test is the gap itself. */
    private static void idleFor(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
        }
    }
}
