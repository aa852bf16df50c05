package org.m2mbridge.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.limits.FileDescriptorBudget;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.SlowClients;

/**
 * Issue 14 item 2 as reported: with an open-file limit of 1,024, more trickling connections to
 * {@code listeners.http} than the process has descriptors used to run it out of them: new WebSocket devices and
 * {@code /health/live} timed out, and XNIO logged {@code Socket accept failed, backing off for 30000 milliseconds:
 * Too many open files}. With the descriptor budget (docs/security.md, "File descriptors") the HTTP listener is
 * capped below its share, so devices still connect and are served, probes answer, no accept ever fails, and the
 * listener serves notifications again once the header timeout (default limits) has cut the slow connections.
 */
@Timeout(150)
class DescriptorStarvationIT {
    private static final int OPEN_FILE_LIMIT = 1024;
    private static final int SLOW_CONNECTIONS = 1200;
    private static final int DEVICES = 20;
    /** http.headerTimeout's default, plus scheduling slack on a busy machine. */
    private static final Duration CUT_WITHIN = Duration.ofSeconds(10 + 5);

    private final DemoUpstream upstream = new DemoUpstream();
    private final NotifySender cse = new NotifySender();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<SlowClients> floods = new ArrayList<>();
    private final List<WsDevice> devices = new ArrayList<>();
    private BridgeProcess bridge;
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        devices.forEach(WsDevice::close);
        floods.forEach(SlowClients::close);
        if (bridge != null) {
            bridge.close();
        }
        upstream.close();
    }

    /** Default limits; the HTTP listener on an ephemeral port (no restart here, so the poa stays valid). */
    private void startBridge() {
        assertTrue(FileDescriptorBudget.processLimit() > SLOW_CONNECTIONS + 200,
                "this test JVM itself needs more than " + SLOW_CONNECTIONS + " descriptors (ulimit -n)");
        bridge = BridgeProcess.startWithOpenFileLimit(new BridgeYaml(upstream.port(), dir.resolve("data"))
                .writeTo(dir.resolve("bridge.yaml")), OPEN_FILE_LIMIT);
    }

    /** More slow connections to {@code listener} than the process may open, from four addresses. */
    private void flood(URI listener, SlowClients.Mode mode) throws Exception {
        InetSocketAddress target = new InetSocketAddress(listener.getHost(), listener.getPort());
        for (int i = 0; i < 4; i++) {
            floods.add(SlowClients.open(InetAddress.getByName("127.0.0." + (2 + i)), target, SLOW_CONNECTIONS / 4,
                    mode, Duration.ofMillis(500)));
        }
    }

    private int slowStillOpen() {
        return floods.stream().mapToInt(SlowClients::stillOpen).sum();
    }

    private void assertLiveAnswers() throws Exception {
        assertEquals(200, client.send(HttpRequest.newBuilder(bridge.listener("admin").resolve("/health/live"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    /** A CSE's notification to {@code device} (registered as {@code rn}) goes through listeners.http and is answered. */
    private void assertNotificationDelivered(WsDevice device, String rn, String rqi) throws Exception {
        var answered = cse.notifyAsync(upstream.notificationUrl(rn), rqi, rqi, null);
        device.answer(device.nextPushed(Duration.ofSeconds(10)), 2000);
        assertEquals(2000, answered.get(15, java.util.concurrent.TimeUnit.SECONDS));
    }

    private void assertNoAcceptEverFailed() {
        assertTrue(bridge.printed("backing off").isEmpty(), "XNIO never backed off: " + bridge.printed("backing off"));
        assertTrue(bridge.printed("Too many open files").isEmpty(), String.join("\n",
                bridge.printed("Too many open files")));
    }

    @Test
    void aSlowlorisFloodOnTheNotificationListenerStarvesNoOtherListener() throws Exception {
        startBridge();
        flood(bridge.listener("http"), SlowClients.Mode.TRICKLE);
        // Refused at accept and closed at once beyond the listener's share of the descriptors.
        Await.until(Duration.ofSeconds(5), () -> slowStillOpen() < OPEN_FILE_LIMIT / 4,
                () -> "the HTTP listener holds only its share of the descriptors, not " + slowStillOpen());

        // While the survivors trickle: new devices connect, register and are served; the admin listener answers.
        for (int i = 0; i < DEVICES; i++) {
            WsDevice d = WsDevice.connect(client, bridge.listener("ws"), "Cfd" + i);
            devices.add(d);
            assertEquals(2001, d.registerAe("fd" + i));
            assertEquals(2000, d.request(WsDevice.primitive(2, "cse-in/fd" + i)).path("rsc").asInt());
            assertLiveAnswers();
        }
        int stillHeld = slowStillOpen();
        System.out.printf("%d devices served while %d of %d slow connections were held%n", DEVICES, stillHeld,
                SLOW_CONNECTIONS);
        assertTrue(stillHeld > 0, "the flood was still on while the devices were served");

        // The header timeout cuts the survivors; the listener then serves notifications again.
        Await.until(CUT_WITHIN, () -> slowStillOpen() == 0, () -> slowStillOpen() + " slow connections still open");
        assertNotificationDelivered(devices.get(0), "fd0", "after-flood");

        assertNoAcceptEverFailed();
        assertFalse(bridge.printed("file descriptor limit " + OPEN_FILE_LIMIT + " is too low").isEmpty(),
                "the start-up warning names the limit");
        assertTrue(bridge.metric("m2mbridge_listener_refusals_total{listener=\"http\",reason=\"connections\"}")
                + bridge.metric("m2mbridge_listener_refusals_total{listener=\"http\",reason=\"connections_per_address\"}")
                > 0, "the refusals were counted");
    }

    /**
     * The other way round: silent connections flooding the WebSocket listener (each would be cut by
     * {@code limits.handshakeTimeout} only after 10 s) stop at that listener's share, so the notification listener
     * and the admin listener keep their descriptors.
     */
    @Test
    void aFloodOnTheWebSocketListenerStarvesNoOtherListener() throws Exception {
        startBridge();
        WsDevice device = WsDevice.connect(client, bridge.listener("ws"), "Cws0");
        devices.add(device);
        assertEquals(2001, device.registerAe("ws0"));

        flood(bridge.listener("ws"), SlowClients.Mode.SILENT);
        for (int i = 0; i < 5; i++) {
            assertLiveAnswers();
            assertNotificationDelivered(device, "ws0", "during-flood-" + i);
        }
        assertTrue(slowStillOpen() > OPEN_FILE_LIMIT / 4, "the flood was on: " + slowStillOpen());
        assertNoAcceptEverFailed();
    }
}
