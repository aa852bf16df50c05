package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;

/**
 * Load-sized correlation check, in the integration phase (failsafe) so the unit phase stays fast: ten thousand
 * requests through one MQTT upstream, every one answered exactly once with its own rqi. It asserts correctness
 * only; throughput is measured by the benchmarks (bench/, docs/benchmarks.md).
 */
@Timeout(360)
class MqttLoadIT {
    private static EmbeddedBroker embedded;

    @BeforeAll
    static void startBroker() throws Exception {
        embedded = new EmbeddedBroker();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        embedded.close();
    }

    static List<String> brokers() {
        return Brokers.names().toList();
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void tenThousandRequestsFromHundredOriginsGetExactlyOneResponseEach(String broker) throws Exception {
        String url = Brokers.url(broker, embedded);
        try (StandInCse cse = new StandInCse(url, "/id-in");
             TestBridge bridge = new TestBridge(url, Duration.ofSeconds(30))) {
            MqttBindingTest.awaitConnected(bridge);
            int origins = 100;
            int perOrigin = 100;
            java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> responses =
                    new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
            List<CompletableFuture<Void>> chains = new java.util.ArrayList<>();
            long t0 = System.nanoTime();
            for (int o = 0; o < origins; o++) {
                TestLink link = new TestLink("ws-load-" + o);
                String fr = "Cload" + o;
                CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
                for (int i = 0; i < perOrigin; i++) {
                    // Every ingress uses the same rqis: the correlator must remap collisions on the one session.
                    String rqi = "q-" + i;
                    RequestPrimitive r = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in").fr(fr)
                            .rqi(rqi).rvi("3").build();
                    chain = chain.thenCompose(v -> bridge.bus.send(r, Ingress.downstream(link))).thenAccept(rsp -> {
                        if (rsp.rsc() != 2000 || !rqi.equals(rsp.rqi()) || !fr.equals(rsp.to())) {
                            wrong.incrementAndGet();
                        }
                        responses.computeIfAbsent(fr + "/" + rqi, k -> new java.util.concurrent.atomic.AtomicInteger())
                                .incrementAndGet();
                    });
                }
                chains.add(chain);
            }
            CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES); // bounded; how fast is bench/'s job
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertEquals(origins * perOrigin, responses.size());
            assertTrue(responses.values().stream().allMatch(n -> n.get() == 1), "exactly one response each");
            assertEquals(0, wrong.get(), "responses with wrong rsc, rqi or to");
            assertEquals(origins * perOrigin, cse.requests.size());
            assertEquals(0, bridge.upstream.outstanding());
            System.out.println("10000 MQTT round trips via " + broker + " in " + took.toMillis() + " ms");
        }
    }
}
