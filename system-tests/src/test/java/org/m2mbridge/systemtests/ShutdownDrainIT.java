package org.m2mbridge.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.testing.Await;

/**
 * SIGTERM to the bridge process with an exchange in flight: {@code timeouts.shutdownGrace} lets a slow upstream's
 * answer reach the device before its socket is closed with 1001 (RFC 6455 7.4.1 "going away").
 */
@Timeout(90)
class ShutdownDrainIT {
    private final DemoUpstream upstream = new DemoUpstream();
    private final HttpClient wsClient = HttpClient.newHttpClient();
    private SlowUpstream slow;
    private BridgeProcess bridge;
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (slow != null) {
            slow.close();
        }
        upstream.close();
    }

    private WsDevice startWithDevice(Duration upstreamDelay, String grace, String ae) throws Exception {
        slow = new SlowUpstream(upstreamDelay);
        bridge = BridgeProcess.start(new BridgeYaml(upstream.port(), dir.resolve("data"))
                .withSlowUpstream(slow.port()).withExtra("timeouts: { shutdownGrace: " + grace + " }")
                .writeTo(dir.resolve("bridge.yaml")));
        WsDevice device = WsDevice.connect(wsClient, bridge.listener("ws"), "C" + ae);
        assertEquals(2001, device.registerAe(ae));
        return device;
    }

    @Test
    void anAnswerArrivingWithinTheGraceReachesTheDeviceBeforeTheSocketIsClosed1001() throws Exception {
        try (WsDevice device = startWithDevice(Duration.ofMillis(1500), "6s", "drain")) {
            CompletableFuture<JsonNode> slowAnswer = device.send(WsDevice.primitive(2, "/id-slow/data"));
            Await.until(Duration.ofSeconds(10), () -> slow.received.size() == 1, () -> "the slow upstream got it");
            bridge.terminate();
            Await.until(Duration.ofSeconds(5), this::handshakeRefusedWith503,
                    () -> "new devices refused with 503 while draining");

            assertEquals(2000, slowAnswer.get(10, TimeUnit.SECONDS).path("rsc").asInt());
            assertEquals(1001, device.closeCode.get(10, TimeUnit.SECONDS));
            int response = device.events.indexOf("response " + "Cdrain-2 2000");
            int close = device.events.indexOf("close 1001");
            assertTrue(response >= 0 && response < close, "answered, then closed: " + device.events);
            assertEquals(0, bridge.awaitExit(Duration.ofSeconds(10)), "SIGTERM is a normal stop");
        }
    }

    /** True once a new device is refused with 503: the bridge's shutdown has begun. */
    private boolean handshakeRefusedWith503() {
        try {
            WsDevice.connect(wsClient, bridge.listener("ws"), "Cprobe").abort();
            return false;
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof WebSocketHandshakeException h) {
                    return h.getResponse().statusCode() == 503;
                }
            }
            return false;
        }
    }

    @Test
    void anExchangeOutlastingTheGraceDoesNotHoldTheShutdown() throws Exception {
        try (WsDevice device = startWithDevice(Duration.ofSeconds(20), "1s", "cut")) {
            device.send(WsDevice.primitive(2, "/id-slow/data"));
            Await.until(Duration.ofSeconds(10), () -> slow.received.size() == 1, () -> "the slow upstream got it");
            long terminated = System.nanoTime();
            bridge.terminate();

            assertEquals(1001, device.closeCode.get(10, TimeUnit.SECONDS), "closed as going away: " + device.events);
            assertEquals(0, bridge.awaitExit(Duration.ofSeconds(15)));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - terminated);
            assertTrue(tookMs < 12_000, "stopped within the 1 s grace plus slack, not after the upstream's 20 s: " + tookMs + " ms");
            System.out.println("device saw on a cut shutdown: " + device.events);
        }
    }

    @Test
    void aNotificationTheDeviceAnswersWithinTheGraceIsAnsweredToTheUpstreamCse() throws Exception {
        try (WsDevice device = startWithDevice(Duration.ofSeconds(1), "6s", "notified")) {
            CompletableFuture<Integer> notify = new NotifySender().notifyAsync(upstream.notificationUrl("notified"),
                    "sd-1", "during-shutdown", null);
            JsonNode pushed = device.nextPushed(Duration.ofSeconds(10));
            assertTrue(pushed != null, "delivered directly");
            bridge.terminate();
            Await.until(Duration.ofSeconds(10), this::handshakeRefusedWith503, () -> "new WebSocket handshakes refused");
            device.answer(pushed, 2000);
            assertEquals(2000, notify.get(10, TimeUnit.SECONDS), "the device's answer reaches the CSE");
            assertEquals(1001, device.closeCode.get(10, TimeUnit.SECONDS));
        }
    }
}
