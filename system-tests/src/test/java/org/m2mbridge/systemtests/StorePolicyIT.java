package org.m2mbridge.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.bus.Deadlines;
import org.m2mbridge.core.testing.Await;

/**
 * Issues 14.6, 14.7 and 15.3 against a bridge process (child JVM), a real WebSocket device and the demo CSE over
 * HTTP: bounded redelivery across a restart, incarnations, registration expiry, and what store-and-forward stores
 * (docs/reliability.md).
 */
@Timeout(120)
class StorePolicyIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final DemoUpstream upstream = new DemoUpstream();
    private final NotifySender cse = new NotifySender();
    private final HttpClient wsClient = HttpClient.newHttpClient();
    private final List<BridgeProcess> bridges = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        bridges.forEach(BridgeProcess::close);
        upstream.close();
    }

    /** HTTP listener on an ephemeral port; a restart reuses the port it bound ({@link BridgeYaml#onHttpPortOf}). */
    private BridgeYaml yaml(String store) {
        return new BridgeYaml(upstream.port(), dir.resolve("data")).withStore(store);
    }

    private BridgeProcess start(BridgeYaml yaml) {
        BridgeProcess b = BridgeProcess.start(yaml.writeTo(dir.resolve("bridge.yaml")));
        bridges.add(b);
        return b;
    }

    private static void awaitUnbound(BridgeProcess bridge) {
        Await.until(WAIT, () -> bridge.metric("m2mbridge_bound_entities") == 0,
                () -> "the bridge noticed the closed socket");
    }

    /** Registers AE {@code rn} (AE-ID C + rn) and closes its socket; returns its notification URL at the CSE. */
    private URI registerAndGoAway(BridgeProcess bridge, String rn) throws Exception {
        try (WsDevice device = WsDevice.connect(wsClient, bridge.listener("ws"), "C" + rn)) {
            assertEquals(2001, device.registerAe(rn));
        }
        awaitUnbound(bridge);
        return upstream.notificationUrl(rn);
    }

    /** The device comes back (any request re-identifies it), gets {@code rqi} first and drops it unanswered. */
    private void receivesAndClosesUnanswered(BridgeProcess bridge, String rn, String rqi) throws Exception {
        try (WsDevice device = WsDevice.connect(wsClient, bridge.listener("ws"), "C" + rn)) {
            device.send(WsDevice.primitive(2, "cse-in/" + rn));
            JsonNode pushed = device.nextPushed(WAIT);
            assertNotNull(pushed, "a stored request delivered");
            assertEquals(rqi, pushed.path("rqi").asText());
        } // closed without an answer, as nCube Thyme does with a NOTIFY it has no handler for
        awaitUnbound(bridge);
    }

    @Test
    void aNotifyNeverAnsweredOnThreeConnectionsAcrossARestartIsDroppedAndTheFourthGetsTheNext() throws Exception {
        BridgeYaml first = yaml("holdFor: 0s");
        BridgeProcess bridge = start(first);
        URI url = registerAndGoAway(bridge, "thyme");
        assertEquals(1000, cse.notify(url, "n-0", "0", null));
        assertEquals(1000, cse.notify(url, "n-1", "1", null));

        receivesAndClosesUnanswered(bridge, "thyme", "n-0");
        receivesAndClosesUnanswered(bridge, "thyme", "n-0");
        BridgeYaml again = first.onHttpPortOf(bridge); // the CSE keeps the poa
        assertEquals(0, bridge.stop(Duration.ofSeconds(30)));
        BridgeProcess restarted = start(again);
        assertEquals(2, restarted.metric("m2mbridge_store_primitives"), "both still stored after the restart");

        receivesAndClosesUnanswered(restarted, "thyme", "n-0");
        Await.until(WAIT, () -> restarted.metric("m2mbridge_store_dropped_total{reason=\"attempts\"}") == 1,
                () -> "n-0 dropped at its third attempt (two before the restart)");
        try (WsDevice device = WsDevice.connect(wsClient, restarted.listener("ws"), "Cthyme")) {
            device.send(WsDevice.primitive(2, "cse-in/thyme"));
            JsonNode pushed = device.nextPushed(WAIT);
            assertNotNull(pushed, "the queue moved on");
            assertEquals("n-1", pushed.path("rqi").asText());
            device.answer(pushed, 2000);
            Await.until(WAIT, () -> restarted.metric("m2mbridge_store_primitives") == 0, () -> "store empty");
            assertNull(device.nextPushed(Duration.ofMillis(500)), "n-0 never again");
        }
    }

    @Test
    void anAeRegisteredAgainAfterTheCseForgotItNeverGetsWhatWasStoredForItsEarlierRegistration() throws Exception {
        BridgeProcess bridge = start(yaml("holdFor: 0s"));
        URI url = registerAndGoAway(bridge, "reborn");
        assertEquals(1000, cse.notify(url, "old", "old", null));
        upstream.forget("reborn"); // AE deleted at the CSE (or the CSE restarted with a memory database)

        try (WsDevice device = WsDevice.connect(wsClient, bridge.listener("ws"), "Creborn")) {
            assertEquals(2001, device.registerAe("reborn"), "a new registration of the same AE-ID");
            Await.until(WAIT, () -> bridge.metric("m2mbridge_store_dropped_total{reason=\"incarnation\"}") == 1,
                    () -> "the earlier registration's notification dropped");
            assertNull(device.nextPushed(Duration.ofMillis(500)), "nothing of the earlier registration delivered");
            assertEquals(0, bridge.metric("m2mbridge_store_primitives"));

            URI now = upstream.notificationUrl("reborn");
            var fresh = cse.notifyAsync(now, "new", "new", null);
            JsonNode pushed = device.nextPushed(WAIT);
            assertNotNull(pushed, "notifications for the new registration arrive");
            assertEquals("new", pushed.path("rqi").asText());
            device.answer(pushed, 2000);
            assertEquals(2000, fresh.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void aRegistrationEndsWhenItsEtPassesAndNothingStaysStoredForIt() throws Exception {
        BridgeProcess bridge = start(yaml("holdFor: 0s, sweepInterval: 200ms"));
        try (WsDevice device = WsDevice.connect(wsClient, bridge.listener("ws"), "Cbrief")) {
            ObjectNode create = WsDevice.primitive(1, "cse-in").put("ty", 2);
            create.putObject("pc").putObject("m2m:ae").put("rn", "brief").put("api", "Nbrief").put("rr", true)
                    .put("et", Deadlines.format(Instant.now().plusSeconds(4))).putArray("srv").add("3");
            assertEquals(2001, device.request(create).path("rsc").asInt());
        }
        awaitUnbound(bridge);
        URI url = upstream.notificationUrl("brief");
        assertEquals(1000, cse.notify(url, "n-0", "0", null));

        Await.until(WAIT, () -> bridge.metric("m2mbridge_deregistrations_total{reason=\"expired\"}") == 1,
                () -> "the registration expired with its resource");
        Await.until(WAIT, () -> bridge.metric("m2mbridge_store_primitives") == 0, () -> "store empty");
        assertEquals(1, bridge.metric("m2mbridge_store_dropped_total{reason=\"registration_expired\"}"));
        assertEquals(4004, cse.notify(url, "n-1", "1", null), "nobody registered under that URL any more");
        assertEquals(0, bridge.metric("m2mbridge_store_primitives"));
    }

    @Test
    void anOfflineEntitysBlockingRetrieveGets5103AfterTheHoldWhileItsNotifyIsStoredAndDelivered() throws Exception {
        BridgeProcess bridge = start(yaml("holdFor: 500ms"));
        URI url = registerAndGoAway(bridge, "gw");
        long started = System.nanoTime();
        assertEquals(5103, cse.retrieve(url, "liveliness"), "not 1000: ACME deletes a <remoteCSE> on that");
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(500), "after store.holdFor");
        assertEquals(1000, cse.notify(url, "sgn", "0", null), "stored, answered after store.holdFor");
        assertEquals(1, bridge.metric("m2mbridge_store_primitives"), "only the NOTIFY");
        assertEquals(1, bridge.metric("m2mbridge_store_refused_total{reason=\"blocking\"}"));

        try (WsDevice device = WsDevice.connect(wsClient, bridge.listener("ws"), "Cgw")) {
            device.send(WsDevice.primitive(2, "cse-in/gw"));
            JsonNode pushed = device.nextPushed(WAIT);
            assertNotNull(pushed);
            assertEquals("sgn", pushed.path("rqi").asText(), "the NOTIFY, delivered on reconnect");
            device.answer(pushed, 2000);
            Await.until(WAIT, () -> bridge.metric("m2mbridge_store_primitives") == 0, () -> "store empty");
            assertNull(device.nextPushed(Duration.ofMillis(500)), "the RETRIEVE is not delivered later");
        }
    }
}
