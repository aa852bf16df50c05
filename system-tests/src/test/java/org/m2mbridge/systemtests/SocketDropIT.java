package org.m2mbridge.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.testing.Await;

/**
 * A device's socket dropped (TCP gone, no close frame) while requests are in flight, in both directions; what
 * docs/reliability.md "Socket dropped with requests in flight" states is what these tests pin down.
 */
@Timeout(90)
class SocketDropIT {
    private final DemoUpstream upstream = new DemoUpstream();
    private final NotifySender cse = new NotifySender();
    private final HttpClient wsClient = HttpClient.newHttpClient();
    private SlowUpstream slow;
    private BridgeProcess bridge;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        slow = new SlowUpstream(Duration.ofSeconds(20));
        bridge = BridgeProcess.start(new BridgeYaml(upstream.port(), dir.resolve("data"))
                .withStore("holdFor: 0s").withSlowUpstream(slow.port()).writeTo(dir.resolve("bridge.yaml")));
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        slow.close();
        upstream.close();
    }

    private void awaitUnbound() {
        Await.until(Duration.ofSeconds(10), () -> bridge.metric("m2mbridge_bound_entities") == 0,
                () -> "the bridge noticed the dropped socket");
    }

    @Test
    void theUpstreamStillAnswersARequestWhoseDeviceDroppedAndThatAnswerIsDiscarded() throws Exception {
        WsDevice device = WsDevice.connect(wsClient, bridge.listener("ws"), "Cdrop1");
        assertEquals(2001, device.registerAe("drop1"));
        device.send(WsDevice.primitive(2, "/id-slow/data"));
        Await.until(Duration.ofSeconds(10), () -> slow.received.size() == 1, () -> "the slow upstream got it");
        device.abort();
        awaitUnbound();

        slow.release(); // the upstream answers after the device is gone
        Await.until(Duration.ofSeconds(10), () -> slow.answered.get() == 1, () -> "the upstream's answer was taken");
        Await.until(Duration.ofSeconds(10), () -> bridge.metric("m2mbridge_pending_requests") == 0,
                () -> "the exchange completed in the bridge");
        assertEquals(0, bridge.metric("m2mbridge_late_responses_total{binding=\"ws\"}"),
                "not counted as late: the bus got it in time, the socket was simply gone");

        // The same AE comes back and works; the old answer does not surface on the new socket.
        try (WsDevice again = WsDevice.connect(wsClient, bridge.listener("ws"), "Cdrop1")) {
            assertEquals(2000, again.request(WsDevice.primitive(2, "cse-in/drop1")).path("rsc").asInt());
            assertEquals(0, again.unexpectedResponses.get());
        }
    }

    @Test
    void aNotificationPushedDirectlyToADeviceThatDropsIsStoredAndDeliveredOnItsNextConnection() throws Exception {
        URI url;
        try (WsDevice device = WsDevice.connect(wsClient, bridge.listener("ws"), "Cdrop2")) {
            assertEquals(2001, device.registerAe("drop2"));
            url = upstream.notificationUrl("drop2");
            CompletableFuture<Integer> first = cse.notifyAsync(url, "p-1", "first", null);
            JsonNode pushed = device.nextPushed(Duration.ofSeconds(10));
            assertNotNull(pushed, "delivered directly while connected");
            device.abort(); // never answers
            // holdFor 0s: stored, so the upstream hears 1000 ACCEPTED, not 5103
            assertEquals(1000, first.get(10, TimeUnit.SECONDS), "stored for the next connection");
        }
        awaitUnbound();
        assertEquals(1, bridge.metric("m2mbridge_store_stored_total"), "the cut direct delivery was stored");
        assertEquals(1, bridge.metric("m2mbridge_store_primitives"));

        try (WsDevice again = WsDevice.connect(wsClient, bridge.listener("ws"), "Cdrop2")) {
            again.send(WsDevice.primitive(2, "cse-in/drop2")); // re-identifies the AE: the store is flushed
            JsonNode redelivered = again.nextPushed(Duration.ofSeconds(10));
            assertNotNull(redelivered, "delivered again (at-least-once)");
            assertEquals("first", NotifySender.conOf(redelivered));
            again.answer(redelivered, 2000);
            Await.until(Duration.ofSeconds(10), () -> bridge.metric("m2mbridge_store_primitives") == 0,
                    () -> "answered, so removed");
            assertEquals(1, bridge.metric("m2mbridge_store_delivered_total"));
            CompletableFuture<Integer> second = cse.notifyAsync(url, "p-2", "second", null);
            JsonNode next = again.nextPushed(Duration.ofSeconds(10));
            assertNotNull(next);
            assertEquals("second", NotifySender.conOf(next), "then direct delivery again");
            again.answer(next, 2000);
            assertEquals(2000, second.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aStoredNotificationWhoseDeliveryIsCutByADroppedSocketStaysStoredAndIsDeliveredAgain() throws Exception {
        try (WsDevice device = WsDevice.connect(wsClient, bridge.listener("ws"), "Cdrop3")) {
            assertEquals(2001, device.registerAe("drop3"));
        }
        awaitUnbound();
        URI url = upstream.notificationUrl("drop3");
        assertEquals(1000, cse.notify(url, "s-1", "stored", null));

        WsDevice first = WsDevice.connect(wsClient, bridge.listener("ws"), "Cdrop3");
        first.send(WsDevice.primitive(2, "cse-in/drop3"));
        JsonNode pushed = first.nextPushed(Duration.ofSeconds(10));
        assertNotNull(pushed, "flushed on reconnect");
        first.abort(); // drops before answering
        awaitUnbound();
        assertEquals(1, bridge.metric("m2mbridge_store_primitives"), "kept for the next connection");

        try (WsDevice again = WsDevice.connect(wsClient, bridge.listener("ws"), "Cdrop3")) {
            again.send(WsDevice.primitive(2, "cse-in/drop3"));
            JsonNode redelivered = again.nextPushed(Duration.ofSeconds(10));
            assertNotNull(redelivered, "delivered again (at-least-once: a duplicate for the device)");
            assertEquals("s-1", redelivered.path("rqi").asText());
            again.answer(redelivered, 2000);
            Await.until(Duration.ofSeconds(10), () -> bridge.metric("m2mbridge_store_primitives") == 0,
                    () -> "answered, so removed");
            assertEquals(1, bridge.metric("m2mbridge_store_delivered_total"));
        }
    }
}
