package org.m2mbridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.testing.Await;

/**
 * Each limit of {@code limits.*} hit on purpose: the refusal as docs/security.md describes it, its count in
 * {@code limit_refusals_total}, and another connection that keeps working.
 */
@Timeout(60)
class LimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private WsFixture bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private double refusals(String limit) {
        return bridge.metric("m2mbridge_limit_refusals", "limit", limit);
    }

    private static JsonNode ask(RawWsClient c, String request) throws IOException {
        c.sendText(request);
        return Json.parse(c.readText());
    }

    /** The connection serves: an unregistered originator gets its 4103 at once. */
    private static void assertServes(RawWsClient c) throws IOException {
        assertEquals(4103, ask(c, Json.retrieve("Cnobody", "alive", "/id-in")).path("rsc").asInt());
    }

    private RawWsClient openFrom(String local) throws Exception {
        RawWsClient c = RawWsClient.connect(bridge.uri, InetAddress.getByName(local));
        RawWsClient.HttpHead head = c.upgrade("oneM2M.json");
        if (head.status() != 101) {
            c.close();
            throw new AssertionError(head.statusLine());
        }
        return c;
    }

    @Test
    void connectionsPerSourceAddressAreLimitedWith503AndOtherAddressesStillConnect() throws Exception {
        bridge = new WsFixture("limits:\n  maxConnectionsPerAddress: 2\n");
        try (RawWsClient a = openFrom("127.0.0.1"); RawWsClient b = openFrom("127.0.0.1")) {
            try (RawWsClient third = RawWsClient.connect(bridge.uri, InetAddress.getByName("127.0.0.1"))) {
                RawWsClient.HttpHead head = third.upgrade("oneM2M.json");
                assertEquals(503, head.status());
                assertTrue(head.body().contains("limits.maxConnectionsPerAddress"), head.body());
            }
            assertEquals(1, refusals("ws_connections_per_address"));
            try (RawWsClient other = openFrom("127.0.0.2")) {
                assertServes(other);
            }
            assertServes(a);
            b.close();
            Await.until(WAIT, () -> {
                try (RawWsClient again = RawWsClient.connect(bridge.uri, InetAddress.getByName("127.0.0.1"))) {
                    return again.upgrade("oneM2M.json").status() == 101;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void connectionsInTotalAreLimitedWith503() throws Exception {
        bridge = new WsFixture("limits:\n  maxConnections: 1\n");
        try (RawWsClient a = bridge.open("oneM2M.json")) {
            try (RawWsClient b = bridge.raw()) {
                assertEquals(503, b.upgrade("oneM2M.json").status());
            }
            assertEquals(1, refusals("ws_connections"));
            assertServes(a);
        }
    }

    @Test
    void entitiesPerConnectionAreLimitedWith5000ForRegistrationAndReidentification() throws Exception {
        bridge = new WsFixture("limits:\n  maxEntitiesPerConnection: 2\n");
        try (RawWsClient full = bridge.open("oneM2M.json"); RawWsClient other = bridge.open("oneM2M.json")) {
            assertEquals(2001, ask(full, Json.createAe("Cae1", "r1", "ae1")).path("rsc").asInt());
            assertEquals(2001, ask(full, Json.createAe("Cae2", "r2", "ae2")).path("rsc").asInt());
            JsonNode r = ask(full, Json.createAe("Cae3", "r3", "ae3"));
            assertEquals(5000, r.path("rsc").asInt());
            assertEquals("r3", r.path("rqi").asText());
            assertTrue(r.path("pc").path("m2m:dbg").asText().contains("limits.maxEntitiesPerConnection"));
            assertEquals(2, bridge.upstream.received.size(), "the refused registration is not forwarded");
            assertEquals(2001, ask(other, Json.createAe("Cae3", "r4", "ae3")).path("rsc").asInt());
            Await.until(WAIT, () -> bridge.bus.bus.boundLink("Cae3").isPresent());
            String otherLink = bridge.bus.bus.boundLink("Cae3").get().id();
            assertEquals(2000, ask(full, Json.retrieve("Cae1", "q1", "Cae1")).path("rsc").asInt());
            // re-identifying Cae3 would put a third entity on the full connection
            assertEquals(5000, ask(full, Json.retrieve("Cae3", "q2", "Cae3")).path("rsc").asInt());
            assertEquals(otherLink, bridge.bus.bus.boundLink("Cae3").orElseThrow().id(), "Cae3 stays where it was");
            assertEquals(2, refusals("ws_entities_per_connection"));
            assertEquals(2000, ask(other, Json.retrieve("Cae3", "q3", "Cae3")).path("rsc").asInt());
        }
    }

    @Test
    void requestRateOverTheBucketIsAnswered5000AtOnceAndRecovers() throws Exception {
        bridge = new WsFixture("limits:\n  requestsPerSecondPerConnection: 2\n  requestBurstPerConnection: 3\n");
        try (RawWsClient flood = bridge.open("oneM2M.json"); RawWsClient calm = bridge.open("oneM2M.json")) {
            int n = 10;
            for (int i = 0; i < n; i++) {
                flood.sendText(Json.retrieve("Cnobody", "f" + i, "/id-in"));
            }
            List<Integer> codes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                JsonNode r = Json.parse(flood.readText()); // every request answered: no stall, no close
                assertEquals("f" + i, r.path("rqi").asText());
                codes.add(r.path("rsc").asInt());
                if (r.path("rsc").asInt() == 5000) {
                    assertTrue(r.path("pc").path("m2m:dbg").asText().startsWith("rate limit"), r.toString());
                }
            }
            long refused = codes.stream().filter(c -> c == 5000).count();
            assertTrue(refused >= 5, "at most burst 3 plus a refill may pass: " + codes);
            assertEquals(3, codes.subList(0, 3).stream().filter(c -> c == 4103).count(), codes.toString());
            assertEquals(refused, refusals("ws_request_rate"));
            assertServes(calm); // another connection has its own bucket
            Await.until(WAIT, () -> {
                try {
                    return ask(flood, Json.retrieve("Cnobody", "later", "/id-in")).path("rsc").asInt() == 4103;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void handshakeNotCompletedInTimeIsDisconnectedSlowloris() throws Exception {
        bridge = new WsFixture("limits:\n  handshakeTimeout: 500ms\n");
        long start = System.nanoTime();
        try (RawWsClient silent = bridge.raw(); Socket trickle = new Socket()) {
            trickle.connect(new java.net.InetSocketAddress(bridge.uri.getHost(), bridge.uri.getPort()), 5000);
            trickle.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    .getBytes(StandardCharsets.US_ASCII)); // ... and never the rest
            try (RawWsClient live = bridge.open("oneM2M.json")) {
                assertTrue(silent.closedWithin(6000), "a client that sends nothing is disconnected");
                trickle.setSoTimeout(6000);
                assertEquals(-1, trickle.getInputStream().read(), "a half-sent head is disconnected");
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(6).toNanos(), "at the 500 ms set, not the 10 s default");
                assertServes(live); // an upgraded connection is not subject to the handshake timeout
            }
        }
    }
}
