package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RefusingPort;

/** Broker down at start, broker coming up late, and a broker restart under traffic (embedded broker only). */
@Timeout(120)
class MqttOutageTest {
    /**
     * A request deadline far above {@link #PROMPT}, so "answered at once" and "answered at the deadline" stay
     * apart even when a busy machine delays the answer by seconds.
     */
    static final Duration PROMPTNESS_DEADLINE = Duration.ofSeconds(30);
    static final Duration PROMPT = Duration.ofSeconds(10);

    private static RequestPrimitive retrieve(String fr, String rqi) {
        return RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in").fr(fr).rqi(rqi).rvi("3").build();
    }

    @Test
    void brokerDownAtStartAnswers5103PromptlyAndConnectsWhenTheBrokerComesUp() throws Exception {
        try (RefusingPort nothingYet = new RefusingPort(); // holds the broker's port until it starts
             EmbeddedBroker late = new EmbeddedBroker(nothingYet.port(), false);
             TestBridge bridge = new TestBridge(late.url(), PROMPTNESS_DEADLINE)) {
            assertFalse(bridge.bus.upstreams().get(0).isReachable());
            TestLink link = new TestLink("ws-down");
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                ResponsePrimitive r = bridge.bus.send(retrieve("Cdown", "d-" + i), Ingress.downstream(link))
                        .get(PROMPTNESS_DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertEquals(5103, r.rsc());
                assertEquals("d-" + i, r.rqi());
                assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(PROMPT) < 0,
                        "answered at once, not at the " + PROMPTNESS_DEADLINE + " deadline");
            }

            nothingYet.close();
            late.start();
            try (StandInCse cse = new StandInCse(late.url(), "/id-in")) {
                Await.until(Duration.ofSeconds(15), () -> bridge.bus.upstreams().get(0).isReachable(), "connection after the broker came up");
                ResponsePrimitive r = bridge.bus.send(retrieve("Cdown", "up"), Ingress.downstream(link))
                        .get(10, TimeUnit.SECONDS);
                assertEquals(2000, r.rsc());
            }

            // Lost connection, then shutdown while the broker is away: reconnecting stops with the client.
            late.stop();
            Await.until(Duration.ofSeconds(10), () -> !bridge.upstream.isReachable(), "disconnect noticed");
            bridge.close();
            Await.until(Duration.ofSeconds(5), () -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().contains(bridge.clientId)), "MQTT client threads of " + bridge.clientId);
        }
    }

    @Test
    void stopWhileTheBrokerIsAwayLeavesNoClientThreadBehind() throws Exception {
        RefusingPort dead = new RefusingPort();
        TestBridge bridge = new TestBridge("tcp://127.0.0.1:" + dead.port(), Duration.ofSeconds(5));
        try (dead) {
            Await.until(Duration.ofSeconds(10),
                    () -> bridge.metrics.upstreamErrors.labelValues("acme", "connect").get() >= 2, "retries");
        } finally {
            bridge.close();
        }
        Await.until(Duration.ofSeconds(5), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().contains(bridge.clientId)), "MQTT client threads of " + bridge.clientId);
    }

    @Test
    void brokerRestartDuringTrafficLeavesNoRequestHangingAndSubscriptionsComeBack() throws Exception {
        try (EmbeddedBroker broker = new EmbeddedBroker();
             TestBridge bridge = new TestBridge(broker.url(), Duration.ofSeconds(3))) {
            TestLink device = new TestLink("ws-dev");
            try (StandInCse cse = new StandInCse(broker.url(), "/id-in")) {
                Await.until(Duration.ofSeconds(15), bridge.upstream::isReachable, "MQTT connection");
                ResponsePrimitive created = bridge.bus.send(MqttBindingTest.createAe("Cmqttae", "mqttae", "c1"),
                        Ingress.downstream(device)).get(10, TimeUnit.SECONDS);
                assertEquals(2001, created.rsc());

                // Traffic from 10 origins, each waiting for every answer (bounded) before the next request.
                AtomicBoolean stop = new AtomicBoolean();
                Map<Integer, AtomicInteger> byRsc = new ConcurrentHashMap<>();
                List<String> problems = new CopyOnWriteArrayList<>();
                ExecutorService senders = Executors.newFixedThreadPool(10);
                List<Future<?>> loops = new java.util.ArrayList<>();
                for (int o = 0; o < 10; o++) {
                    String fr = "Ctraffic" + o;
                    TestLink link = new TestLink("ws-t" + o);
                    loops.add(senders.submit(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            String rqi = "t-" + i;
                            try {
                                ResponsePrimitive r = bridge.bus.send(retrieve(fr, rqi), Ingress.downstream(link))
                                        .get(8, TimeUnit.SECONDS);
                                byRsc.computeIfAbsent(r.rsc(), k -> new AtomicInteger()).incrementAndGet();
                                if (!rqi.equals(r.rqi())) {
                                    problems.add(fr + " " + rqi + " answered with rqi " + r.rqi());
                                }
                            } catch (TimeoutException e) {
                                problems.add(fr + " " + rqi + " hangs");
                            } catch (Exception e) {
                                problems.add(fr + " " + rqi + " " + e);
                            }
                            LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // pacing, not waiting
                        }
                    }));
                }
                Await.until(Duration.ofSeconds(10), () -> byRsc.getOrDefault(2000, new AtomicInteger()).get() > 50,
                        "traffic flowing");
                broker.stop();
                Await.until(Duration.ofSeconds(10), () -> !bridge.upstream.isReachable(), "disconnect noticed");
                Await.until(Duration.ofSeconds(10), () -> byRsc.containsKey(5103), "5103 while the broker is down");
                broker.start();
                Await.until(Duration.ofSeconds(20), bridge.upstream::isReachable, "reconnect");
                stop.set(true);
                for (Future<?> f : loops) {
                    f.get(20, TimeUnit.SECONDS);
                }
                senders.shutdown();
                assertEquals(List.of(), problems);
                assertTrue(Set.of(2000, 5103, 4008).containsAll(byRsc.keySet()), "answers: " + byRsc);
                System.out.println("restart under traffic, answers by rsc: " + byRsc);
            }

            // The old stand-in's session died with the broker; a fresh CSE client sees the bridge's subscriptions.
            try (StandInCse cse = new StandInCse(broker.url(), "/id-in")) {
                ResponsePrimitive r = bridge.bus.send(retrieve("Cmqttae", "after"), Ingress.downstream(device))
                        .get(10, TimeUnit.SECONDS);
                assertEquals(2000, r.rsc());
                StandInCse.Received answer = MqttBindingTest.notifyUntilAnswered(cse, "Cmqttae", "Cmqttae", "n");
                assertEquals(2000, ((ResponsePrimitive) answer.primitive()).rsc());
                assertTrue(device.received.stream().anyMatch(q -> q.op() == Operation.NOTIFY));
            }
            assertEquals(0, bridge.upstream.outstanding());
        }
    }
}
