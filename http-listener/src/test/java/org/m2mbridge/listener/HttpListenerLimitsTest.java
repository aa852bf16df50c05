package org.m2mbridge.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.undertow.util.Headers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.ListenerLimits;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RawHttpConnection;
import org.m2mbridge.core.testing.SlowClients;

/**
 * The listener's limits on real sockets (docs/security.md, "HTTP listeners"): header deadline for the first and for
 * later request heads, idle timeout, and the caps per listener and per source address. Hostile clients come from
 * other loopback addresses (127.0.0.2...) than the well-behaved one (127.0.0.1), so the per-address cap can tell
 * them apart.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpListenerLimitsTest {
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    /** Scheduling slack on a busy 2-core machine: a cut must come within the timeout plus this. */
    private static final Duration MARGIN = Duration.ofSeconds(5);

    private final BridgeMetrics metrics = new BridgeMetrics(new PrometheusRegistry());
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private HttpListener listener;
    private InetSocketAddress address;

    private void start(ListenerLimits limits) throws Exception {
        listener = HttpListener.start(new HttpListener.Spec("http", "http", new ListenerConfig("127.0.0.1", 0, null),
                limits, 1, 1, 1024, UnaryOperator.identity()), exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    exchange.getResponseSender().send("ok");
                }, metrics);
        URI bound = listener.bound();
        address = new InetSocketAddress(bound.getHost(), bound.getPort());
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.stop(Duration.ZERO);
        }
    }

    private static InetAddress loopback(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    private double refusals(String reason) {
        return metrics.listenerRefusals.labelValues("http", reason).get();
    }

    /** Sends requests from 127.0.0.1 on pooled keep-alive connections until {@code done}; every one must get 200. */
    private int serveWhile(java.util.function.BooleanSupplier done) throws Exception {
        int served = 0;
        URI uri = URI.create("http://127.0.0.1:" + address.getPort() + "/");
        while (!done.getAsBoolean()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            served++;
        }
        return served;
    }

    @Test
    void tricklingFirstRequestHeadsAreCutAtTheHeaderTimeoutWhileOthersAreServed() throws Exception {
        start(new ListenerLimits(HEADER_TIMEOUT, Duration.ofSeconds(30), 100, 50));
        try (SlowClients slow = SlowClients.open(loopback(2), address, 20, SlowClients.Mode.TRICKLE,
                Duration.ofMillis(100))) {
            long deadline = System.nanoTime() + HEADER_TIMEOUT.plus(MARGIN).toNanos();
            int served = serveWhile(() -> slow.stillOpen() == 0 || System.nanoTime() > deadline);
            assertEquals(0, slow.stillOpen(), "every trickling connection cut within headerTimeout + margin");
            assertTrue(slow.longestLife().compareTo(HEADER_TIMEOUT.plus(MARGIN)) <= 0, slow.longestLife().toString());
            assertTrue(slow.shortestLife().compareTo(HEADER_TIMEOUT.minusMillis(100)) >= 0,
                    "not cut before the timeout: " + slow.shortestLife());
            assertTrue(served > 0, "the well-behaved client was served meanwhile");
        }
        assertEquals(20, refusals("header_timeout"));
    }

    @Test
    void silentConnectionsAreCutAtTheHeaderTimeout() throws Exception {
        start(new ListenerLimits(HEADER_TIMEOUT, Duration.ofSeconds(30), 100, 50));
        try (SlowClients silent = SlowClients.open(loopback(2), address, 5, SlowClients.Mode.SILENT,
                Duration.ofMillis(100))) {
            Await.until(HEADER_TIMEOUT.plus(MARGIN), () -> silent.stillOpen() == 0,
                    () -> silent.stillOpen() + " silent connections still open");
            assertTrue(silent.shortestLife().compareTo(HEADER_TIMEOUT.minusMillis(100)) >= 0,
                    silent.shortestLife().toString());
        }
    }

    /** Later heads on a keep-alive connection are Undertow's REQUEST_PARSE_TIMEOUT: it does cut a trickler. */
    @Test
    void tricklingSecondRequestHeadOnAKeepAliveConnectionIsCut() throws Exception {
        start(new ListenerLimits(HEADER_TIMEOUT, Duration.ofSeconds(30), 100, 50));
        try (RawHttpConnection c = RawHttpConnection.open(loopback(1), address)) {
            assertEquals(200, c.get("/first"));
            byte[] endless = ("GET /second HTTP/1.1\r\nHost: bridge\r\nX-Padding: " + "a".repeat(200))
                    .getBytes(StandardCharsets.US_ASCII);
            Duration cut = c.trickle(endless, Duration.ofMillis(50));
            assertNotNull(cut, "the server never closed a head trickling for " + endless.length * 50 + " ms");
            assertTrue(cut.compareTo(HEADER_TIMEOUT.plus(MARGIN)) <= 0, cut.toString());
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterTheIdleTimeoutNotBefore() throws Exception {
        Duration idle = Duration.ofMillis(1500);
        start(new ListenerLimits(Duration.ofSeconds(10), idle, 100, 50));
        try (RawHttpConnection c = RawHttpConnection.open(loopback(1), address)) {
            assertEquals(200, c.get("/"));
            Duration closed = c.awaitClosedByServer(idle.plus(MARGIN));
            assertNotNull(closed, "idle connection still open after idleTimeout + margin");
            assertTrue(closed.compareTo(idle.minusMillis(100)) >= 0, "closed too early: " + closed);
        }
    }

    @Test
    void perAddressCapRefusesTheNextConnectionAndKeepsTheOthers() throws Exception {
        start(new ListenerLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 10, 2));
        try (RawHttpConnection a = RawHttpConnection.open(loopback(3), address);
             RawHttpConnection b = RawHttpConnection.open(loopback(3), address);
             RawHttpConnection third = RawHttpConnection.open(loopback(3), address);
             RawHttpConnection elsewhere = RawHttpConnection.open(loopback(4), address)) {
            assertEquals(200, a.get("/"));
            assertEquals(200, b.get("/"));
            int refused = third.get("/");
            assertTrue(refused == 503 || refused == -1, "third connection from one address refused: " + refused);
            assertNotNull(third.awaitClosedByServer(MARGIN), "refused connection closed");
            assertEquals(200, a.get("/again"), "existing connections keep working");
            assertEquals(200, b.get("/again"));
            assertEquals(200, elsewhere.get("/"), "another address is not affected");
        }
        assertEquals(1, refusals("connections_per_address"));
        assertEquals(0, refusals("connections"));
    }

    @Test
    void listenerCapRefusesTheNextConnectionAndGivesSlotsBackOnClose() throws Exception {
        start(new ListenerLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 3, 3));
        List<RawHttpConnection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(RawHttpConnection.open(loopback(10 + i), address));
                assertEquals(200, open.get(i).get("/"));
            }
            assertEquals(3, metrics.listenerConnections.labelValues("http").get());
            try (RawHttpConnection fourth = RawHttpConnection.open(loopback(20), address)) {
                int refused = fourth.get("/");
                assertTrue(refused == 503 || refused == -1, "fourth connection refused: " + refused);
            }
            for (RawHttpConnection c : open) {
                assertEquals(200, c.get("/again"), "existing connections keep working");
            }
            open.remove(0).close();
            Await.until(Duration.ofSeconds(5), () -> metrics.listenerConnections.labelValues("http").get() == 2,
                    () -> "slot given back on close");
            try (RawHttpConnection next = RawHttpConnection.open(loopback(21), address)) {
                assertEquals(200, next.get("/"), "a freed slot admits the next connection");
            }
        } finally {
            open.forEach(RawHttpConnection::close);
        }
        Await.until(Duration.ofSeconds(5), () -> metrics.listenerConnections.labelValues("http").get() == 0,
                () -> "every slot given back: " + metrics.listenerConnections.labelValues("http").get());
        assertEquals(1, refusals("connections"));
    }

    @Test
    void refusedConnectionIsAnswered503WithoutReadingItsRequest() throws Exception {
        start(new ListenerLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 1, 1));
        try (RawHttpConnection first = RawHttpConnection.open(loopback(1), address);
             RawHttpConnection second = RawHttpConnection.open(loopback(2), address)) {
            assertEquals(200, first.get("/"));
            // The 503 is written at accept, before any request: this client sent nothing, so no reset overtakes it.
            assertEquals(503, second.awaitResponse());
            assertNotNull(second.awaitClosedByServer(MARGIN), "refused at accept and closed at once");
            assertEquals(200, first.get("/again"), "the admitted connection keeps working");
        }
    }
}
