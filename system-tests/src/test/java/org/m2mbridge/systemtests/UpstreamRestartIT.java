package org.m2mbridge.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.testing.Await;

/**
 * Issue 6 chaos (d): the upstream CSE's HTTP server is stopped and started again on the same port while devices keep
 * sending: every request gets exactly one response, success or an honest error (5103 unreachable, 4008 timeout),
 * and none hangs.
 */
@Timeout(90)
class UpstreamRestartIT {
    private static final int DEVICES = 5;
    private static final int REQUESTS_PER_DEVICE = 200;
    private static final int WINDOW = 8;
    private static final Set<Integer> HONEST = Set.of(2000, 5103, 4008);

    private final DemoUpstream upstream = new DemoUpstream();
    private final HttpClient wsClient = HttpClient.newHttpClient();
    private BridgeProcess bridge;
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        upstream.close();
    }

    @Test
    void everyRequestGetsExactlyOneResponseWhileTheUpstreamGoesAwayAndComesBack() throws Exception {
        bridge = BridgeProcess.start(new BridgeYaml(upstream.port(), dir.resolve("data"))
                .withExtra("timeouts: { request: 3s, shutdownGrace: 1s }").writeTo(dir.resolve("bridge.yaml")));
        List<WsDevice> devices = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            WsDevice device = WsDevice.connect(wsClient, bridge.listener("ws"), "Cchaos" + d);
            assertEquals(2001, device.registerAe("chaos" + d));
            devices.add(device);
        }
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<JsonNode>> all = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (WsDevice device : devices) {
            Thread t = new Thread(() -> traffic(device, all, answered, failed), "traffic-" + device.originator());
            t.setDaemon(true);
            t.start();
            senders.add(t);
        }
        try {
            Await.until(Duration.ofSeconds(20), () -> answered.get() >= 150, () -> "traffic flows before the outage");
            upstream.stopHttp();
            int before = failed.get();
            Await.until(Duration.ofSeconds(20), () -> failed.get() >= before + 20,
                    () -> "requests during the outage are answered with errors, not left hanging");
            upstream.startHttp();
            for (Thread t : senders) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

            Map<Integer, Integer> byRsc = new TreeMap<>();
            for (CompletableFuture<JsonNode> f : all) {
                byRsc.merge(f.join().path("rsc").asInt(), 1, Integer::sum);
            }
            System.out.println("responses by rsc: " + byRsc);
            assertEquals(DEVICES * REQUESTS_PER_DEVICE, all.size());
            assertTrue(HONEST.containsAll(byRsc.keySet()), "only 2000, 5103 or 4008: " + byRsc);
            for (WsDevice device : devices) {
                assertEquals(0, device.unexpectedResponses.get(), "no duplicate or stray response");
                // after the restart the upstream is reached again
                assertEquals(2000, device.request(WsDevice.primitive(2, "cse-in/" + device.originator().substring(1)))
                        .path("rsc").asInt());
            }
        } finally {
            devices.forEach(WsDevice::close);
        }
    }

    /** Sends REQUESTS_PER_DEVICE retrieves, at most WINDOW outstanding at a time. */
    private static void traffic(WsDevice device, List<CompletableFuture<JsonNode>> all, AtomicInteger answered,
                                AtomicInteger failed) {
        Semaphore window = new Semaphore(WINDOW);
        String own = "cse-in/" + device.originator().substring(1);
        for (int i = 0; i < REQUESTS_PER_DEVICE; i++) {
            try {
                if (!window.tryAcquire(20, TimeUnit.SECONDS)) {
                    return; // a hung exchange: the size check in the test reports it
                }
            } catch (InterruptedException e) {
                return;
            }
            CompletableFuture<JsonNode> f = device.send(WsDevice.primitive(2, own));
            synchronized (all) {
                all.add(f);
            }
            f.whenComplete((r, e) -> {
                (r != null && r.path("rsc").asInt() == 2000 ? answered : failed).incrementAndGet();
                window.release();
            });
        }
    }
}
