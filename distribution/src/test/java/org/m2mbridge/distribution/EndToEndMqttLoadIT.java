package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.demo.DemoCse;
import org.m2mbridge.demo.DemoCseMqttClient;
import org.m2mbridge.mqtt.EmbeddedBroker;

/**
 * The load-sized end-to-end check over MQTT, in the integration phase (failsafe): correctness under load only;
 * throughput is the benchmarks' job (bench/, docs/benchmarks.md).
 */
class EndToEndMqttLoadIT {

    /**
     * 10,000 requests over one MQTT upstream from 100 WebSocket connections (100 registered AEs, 100 requests
     * each, all connections at once): every request gets exactly one response, and it is its own.
     */
    @org.junit.jupiter.api.Test
    @Timeout(600) // a bound, not a speed claim: seconds on an idle 2-core machine, minutes on a shared one
    void tenThousandRequestsFromAHundredWebSocketsGetExactlyOneResponseEach() throws Exception {
        try (EmbeddedBroker embedded = new EmbeddedBroker()) {
            DemoCse cse = new DemoCse();
            String suffix = Long.toHexString(System.nanoTime());
            try (DemoCseMqttClient cseMqtt = DemoCseMqttClient.start(cse, new Codecs(CodecLimits.DEFAULT),
                    embedded.url(), Duration.ofSeconds(10));
                 Bridge bridge = Bridge.start(ConfigLoader.parse("""
                         listeners:
                           ws:    { host: 127.0.0.1, port: 0 }
                           admin: { host: 127.0.0.1, port: 0 }
                         upstreams:
                           - { name: in-cse, binding: mqtt, broker: %s, cseId: /id-in }
                         routes: { default: in-cse }
                         store: { durable: false }
                         """.formatted(embedded.url())), new PrintStream(new ByteArrayOutputStream()))) {
                java.net.URI admin = bridge.listeners().get("admin");
                assertTrue(Await.within(Duration.ofSeconds(15), () -> EndToEndMqttTest.ready(admin)), "connected");
                java.net.URI ws = bridge.listeners().get("ws");
                java.util.List<WsTestClient> devices = new java.util.ArrayList<>();
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(100);
                try {
                    for (int i = 0; i < 100; i++) {
                        devices.add(new WsTestClient(ws, "Cload" + i + "x" + suffix));
                    }
                    java.util.List<java.util.concurrent.Future<Integer>> ok = new java.util.ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        WsTestClient d = devices.get(i);
                        String rn = "load" + i;
                        ok.add(pool.submit(() -> {
                            com.fasterxml.jackson.databind.node.ObjectNode ae = WsTestClient.primitive(1, "cse-in")
                                    .put("ty", 2);
                            ae.putObject("pc").putObject("m2m:ae").put("rn", rn).put("api", "N" + rn).put("rr", true);
                            assertEquals(2001, d.request(ae).path("rsc").asInt());
                            int good = 0;
                            for (int n = 0; n < 99; n++) {
                                if (d.request(WsTestClient.primitive(2, "cse-in/" + rn)).path("rsc").asInt() == 2000) {
                                    good++;
                                }
                            }
                            return good + 1;
                        }));
                    }
                    int total = 0;
                    for (java.util.concurrent.Future<Integer> f : ok) {
                        total += f.get(90, java.util.concurrent.TimeUnit.SECONDS);
                    }
                    assertEquals(10_000, total, "every request answered with its own success");
                    int responses = devices.stream().mapToInt(d -> d.responsesReceived.get()).sum();
                    assertEquals(10_000, responses, "exactly one response per request, no duplicates");
                } finally {
                    pool.shutdownNow();
                    for (WsTestClient d : devices) {
                        d.close();
                    }
                }
            } finally {
                cse.close();
            }
        }
    }
}
