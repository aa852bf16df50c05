package org.m2mbridge.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.testing.Await;

/**
 * Issue 6 chaos (e): 500 devices registered, the bridge killed (-9) and restarted, one notification per AE stored
 * while they are away, then all 500 reconnect at once: each is re-identified by its first request (no
 * re-registration) and gets its notification.
 */
@Timeout(90)
class MassReconnectIT {
    private static final int DEVICES = 500;
    private static final int BATCH = 50;

    private final DemoUpstream upstream = new DemoUpstream();
    private final NotifySender cse = new NotifySender();
    /** One client (one selector thread) for all 500 sockets. */
    private final HttpClient wsClient = HttpClient.newHttpClient();
    private final List<WsDevice> devices = new ArrayList<>();
    private final List<BridgeProcess> bridges = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        devices.forEach(WsDevice::abort);
        bridges.forEach(BridgeProcess::close);
        upstream.close();
    }

    private static String rn(int i) {
        return "mass" + i;
    }

    @Test
    void fiveHundredDevicesReconnectingAtOnceAfterARestartAreAllReIdentifiedAndGetWhatWasStored() throws Exception {
        BridgeYaml yaml = new BridgeYaml(upstream.port(), dir.resolve("data")).withStore("holdFor: 0s");
        BridgeProcess first = BridgeProcess.start(yaml.writeTo(dir.resolve("bridge.yaml")));
        bridges.add(first);
        for (int from = 0; from < DEVICES; from += BATCH) { // register in batches: the point is the reconnect
            List<CompletableFuture<Integer>> registered = new ArrayList<>();
            for (int i = from; i < from + BATCH; i++) {
                String rn = rn(i);
                registered.add(WsDevice.connectAsync(wsClient, first.listener("ws"), "C" + rn).thenCompose(d -> {
                    synchronized (devices) {
                        devices.add(d);
                    }
                    return d.registerAeAsync(rn);
                }));
            }
            for (CompletableFuture<Integer> r : registered) {
                assertEquals(2001, r.get(30, TimeUnit.SECONDS));
            }
        }
        assertEquals(DEVICES, first.metric("m2mbridge_registered_entities"));

        first.kill(); // every socket reset at once
        devices.forEach(WsDevice::abort);
        devices.clear();
        BridgeProcess second = BridgeProcess.start(yaml.onHttpPortOf(first).writeTo(dir.resolve("bridge.yaml")));
        bridges.add(second);
        assertEquals(DEVICES, second.metric("m2mbridge_registered_entities"), "registrations survived kill -9");

        // While they are away, the CSE notifies each AE once: stored.
        List<CompletableFuture<Integer>> notified = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            URI url = upstream.notificationUrl(rn(i));
            notified.add(cse.notifyAsync(url, "m-" + i, rn(i), null));
        }
        for (CompletableFuture<Integer> n : notified) {
            assertEquals(1000, n.get(30, TimeUnit.SECONDS));
        }
        assertEquals(DEVICES, second.metric("m2mbridge_store_primitives"));

        // All at once: connect, and each sends its first request with its own fr.
        List<CompletableFuture<WsDevice>> connecting = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            connecting.add(WsDevice.connectAsync(wsClient, second.listener("ws"), "C" + rn(i)));
        }
        List<CompletableFuture<JsonNode>> firstRequests = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            WsDevice d = connecting.get(i).get(30, TimeUnit.SECONDS);
            devices.add(d);
            firstRequests.add(d.send(WsDevice.primitive(2, "cse-in/" + rn(i))));
        }
        for (int i = 0; i < DEVICES; i++) {
            assertEquals(2000, firstRequests.get(i).get(30, TimeUnit.SECONDS).path("rsc").asInt(),
                    rn(i) + " re-identified without registering again");
        }
        for (int i = 0; i < DEVICES; i++) {
            WsDevice d = devices.get(i);
            JsonNode pushed = d.nextPushed(Duration.ofSeconds(15));
            assertEquals(rn(i), pushed == null ? null : NotifySender.conOf(pushed), "its own stored notification");
            d.answer(pushed, 2000);
        }
        Await.until(Duration.ofSeconds(20), () -> second.metric("m2mbridge_store_primitives") == 0,
                () -> "nothing left in the store");
        assertEquals(DEVICES, second.metric("m2mbridge_store_delivered_total"), "nothing lost");
        assertEquals(DEVICES, second.metric("m2mbridge_bound_entities"));
    }
}
