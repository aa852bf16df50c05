package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.m2mbridge.core.bus.LocalEntityDirectory;
import org.m2mbridge.core.bus.Deadlines;
import org.m2mbridge.core.bus.InMemoryEntityRegistry;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.RouteTable;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.store.MapDeliveryStore;
import org.m2mbridge.core.testing.Await;

/**
 * {@link MqttUpstream} over an in-memory {@link MqttTransport} (the seam that lets Paho be swapped): what happens
 * when the dispatch queue is full and how odd responses (no rqi, CBOR as hex) are matched, without a broker.
 */
@Timeout(20)
class MqttUpstreamTest {
    /** Far above what "at once" may take on a busy machine, so the two stay apart. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final MessageDispatch dispatch = new MessageDispatch(1, 1);

    /** Records publishes; the test delivers messages by calling the handler itself. */
    static final class InMemoryTransport implements MqttTransport {
        final List<Map.Entry<String, byte[]>> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        MessageHandler handler;
        ConnectionListener listener;

        @Override
        public CompletableFuture<Void> start() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public CompletableFuture<Void> subscribe(String filter) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> unsubscribe(String filter) {
            return CompletableFuture.completedFuture(null);
        }

        /** When set, every publish fails with it (as Paho's token would). */
        volatile Throwable publishFailure;

        @Override
        public CompletableFuture<Void> publish(String topic, byte[] payload) {
            published.add(Map.entry(topic, payload));
            Throwable failure = publishFailure;
            return failure == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure);
        }

        @Override
        public void close(Duration timeout) {
        }

        List<byte[]> published(String topic) {
            return published.stream().filter(e -> e.getKey().equals(topic)).map(Map.Entry::getValue).toList();
        }
    }

    @AfterEach
    void stop() {
        dispatch.stop(Duration.ofMillis(100));
        timer.shutdownNow();
    }

    private final BridgeMetrics metrics = new BridgeMetrics(new PrometheusRegistry());
    private final InMemoryTransport transport = new InMemoryTransport();
    private PrimitiveBus bus;
    private InMemoryEntityRegistry registry;

    private MqttUpstream upstream(String serialization) throws Exception {
        return upstream(serialization, false);
    }

    private MqttUpstream upstream(String serialization, boolean cleanSession) throws Exception {
        UpstreamConfig config = ConfigLoader.parse("""
                listeners: {ws: {port: 0}}
                upstreams: [{name: acme, binding: mqtt, broker: "tcp://127.0.0.1:1", cseId: /id-in, serialization: %s,
                             mqtt: {cleanSession: %s}}]
                """.formatted(serialization, cleanSession)).upstreams().get(0);
        registry = new InMemoryEntityRegistry();
        bus = new PrimitiveBus(new LocalEntityDirectory(registry), new RouteTable(List.of(), "acme"),
                new Deadlines(DEADLINE, DEADLINE.multipliedBy(4), Clock.systemUTC()), timer, metrics,
                MapDeliveryStore.inMemory(StoreSettings.IN_MEMORY), StoreSettings.IN_MEMORY);
        MqttUpstream upstream = new MqttUpstream(config, bus, codecs, metrics, timer, dispatch, (handler, listener) -> {
            transport.handler = handler;
            transport.listener = listener;
            return transport;
        });
        bus.addUpstream(upstream);
        upstream.start();
        return upstream;
    }

    private CompletableFuture<ResponsePrimitive> retrieve(String fr, String rqi) {
        return bus.send(RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in").fr(fr).rqi(rqi).rvi("3")
                .build(), Ingress.downstream(new TestLink("ws-" + fr)));
    }

    @Test
    void errorWithoutRqiIsMatchedWhenItsOriginatorHasExactlyOneRequestOutstanding() throws Exception {
        upstream("json");
        CompletableFuture<ResponsePrimitive> one = retrieve("Cone", "a1");
        CompletableFuture<ResponsePrimitive> two = retrieve("Ctwo", "b1");
        CompletableFuture<ResponsePrimitive> three = retrieve("Ctwo", "b2");
        // acme/mqtt-07: {"fr": "/id-in", "to": "/id-in", "rsc": 4000, ...} without rqi
        byte[] err = "{\"fr\":\"/id-in\",\"to\":\"/id-in\",\"rsc\":4000,\"pc\":{\"m2m:dbg\":\"bad\"}}"
                .getBytes(StandardCharsets.UTF_8);
        transport.handler.message("/oneM2M/resp/Cone/id-in/json", err);
        ResponsePrimitive r = one.get(5, TimeUnit.SECONDS);
        assertEquals(4000, r.rsc());
        assertEquals("a1", r.rqi());
        transport.handler.message("/oneM2M/resp/Ctwo/id-in/json", err); // two outstanding: ambiguous, not used
        CountDownLatch handled = new CountDownLatch(1); // one worker, FIFO: runs after that message was handled
        Await.until(Duration.ofSeconds(5), () -> dispatch.offer("any", handled::countDown), "dispatch accepting");
        assertTrue(handled.await(5, TimeUnit.SECONDS));
        assertFalse(two.isDone() || three.isDone());
    }

    @Test
    void lostConnectionFailsOutstandingAt5103OnlyWithACleanSession() throws Exception {
        MqttUpstream clean = upstream("json", true);
        CompletableFuture<ResponsePrimitive> pending = retrieve("Cae", "x1");
        transport.listener.disconnected(new java.io.IOException("broker gone"));
        assertEquals(5103, pending.get(10, TimeUnit.SECONDS).rsc()); // at once: the deadline would give 4008
        assertEquals(0, clean.outstanding());
    }

    @ParameterizedTest
    @CsvSource({"32000, 4008, timeout", "32002, 4008, timeout", "32104, 5103, connect", "32109, 5103, closed",
            "32202, 5103, closed", "0, 5103, closed", "32108, 5000, protocol"})
    void aFailedPublishIsAnsweredByTheOutcomeTable(int reasonCode, int rsc, String kind) throws Exception {
        upstream("json");
        // reason 0 wraps the I/O failure that ended the connection
        transport.publishFailure = reasonCode == 0 ? new MqttException(new java.io.IOException("reset"))
                : new MqttException(reasonCode);
        long t0 = System.nanoTime();
        ResponsePrimitive r = retrieve("Cae", "p1").get(15, TimeUnit.SECONDS);
        assertEquals(rsc, r.rsc(), String.valueOf(r));
        assertEquals("p1", r.rqi());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "at once, not at the 30 s deadline");
        assertEquals(1.0, metrics.upstreamErrors.labelValues("acme", kind).get());
        assertEquals(rsc == 4008 ? 1.0 : 0.0, metrics.requestTimeouts.labelValues("mqtt").get());
    }

    @Test
    void lostConnectionKeepsOutstandingWithAPersistentSession() throws Exception {
        MqttUpstream persistent = upstream("json", false);
        CompletableFuture<ResponsePrimitive> pending = retrieve("Cae", "x2");
        transport.listener.disconnected(new java.io.IOException("broker gone"));
        assertEquals(1, persistent.outstanding(), "the broker keeps the session: the answer may still come");
        transport.handler.message("/oneM2M/resp/Cae/id-in/json",
                "{\"rsc\":2000,\"rqi\":\"x2\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(2000, pending.get(5, TimeUnit.SECONDS).rsc());
    }

    @Test
    void reachableOnlyOnceSubscribedAgainAndEachOutageIsMeasured() throws Exception {
        MqttUpstream upstream = upstream("json");
        assertFalse(upstream.isReachable(), "not before the first connection and its subscriptions");
        transport.listener.connected(false, false);
        assertTrue(upstream.isReachable());
        transport.listener.disconnected(new java.io.IOException("broker gone"));
        assertFalse(upstream.isReachable(), "what the CSE publishes now waits at the broker (or is lost)");
        transport.listener.disconnected(new java.io.IOException("refused")); // a failed attempt
        transport.listener.connected(true, true);
        assertTrue(upstream.isReachable());
        assertEquals(1.0, metrics.mqttConnects.labelValues("acme", "false").get());
        assertEquals(1.0, metrics.mqttConnects.labelValues("acme", "true").get(), "the broker kept the session");
        assertEquals(1L, metrics.mqttReconnectSeconds.labelValues("acme").getCount(),
                "one outage, however many attempts it took");
        assertEquals(2.0, metrics.upstreamErrors.labelValues("acme", "connect").get());
    }

    @Test
    void aRedeliveredRequestReachesTheDeviceOnceAndIsAnsweredTwice() throws Exception {
        upstream("json");
        TestLink device = new TestLink("ws-dev");
        registry.put(new org.m2mbridge.core.bus.Registration("Cae", org.m2mbridge.core.bus.Registration.Kind.AE,
                "acme", "tok", "ae", "Cae", List.of(), java.time.Instant.now()));
        bus.bind("Cae", device);
        byte[] notify = "{\"op\":5,\"to\":\"Cae\",\"fr\":\"/id-in\",\"rqi\":\"n7\",\"rvi\":\"3\"}"
                .getBytes(StandardCharsets.UTF_8);
        transport.handler.message("/oneM2M/req/id-in/Cae/json", notify);
        transport.handler.message("/oneM2M/req/id-in/Cae/json", notify); // QoS 1 DUP
        Await.until(Duration.ofSeconds(5), () -> transport.published("/oneM2M/resp/id-in/Cae/json").size() == 2,
                "two answers");
        assertEquals(1, device.received.size());
        assertEquals(1.0, metrics.mqttRedeliveries.labelValues("acme").get(), "the repeat is counted");
        for (byte[] b : transport.published("/oneM2M/resp/id-in/Cae/json")) {
            ResponsePrimitive r = codecs.get(Serialization.JSON).decode(b).response().orElseThrow();
            assertEquals(2000, r.rsc());
            assertEquals("n7", r.rqi());
        }
    }

    @Test
    void poaFollowsTheStyleAndTheBrokerTheCseSees() throws Exception {
        MqttUpstream u = upstream("json");
        assertEquals(List.of("mqtt://127.0.0.1:1"), u.pointOfAccess("tok", null));
        UpstreamConfig mobius = ConfigLoader.parse("""
                listeners: {ws: {port: 0}}
                upstreams: [{name: m, binding: mqtt, broker: "ssl://10.0.0.5:8883", cseId: /Mobius2,
                             mqtt: {poaStyle: with-entity-path, poaBroker: "mqtts://broker.example:8883"}}]
                """).upstreams().get(0);
        MqttUpstream m = new MqttUpstream(mobius, bus, codecs, metrics, timer, dispatch, (h, l) -> new InMemoryTransport());
        assertEquals(List.of("mqtts://broker.example:8883/tok"), m.pointOfAccess("tok", null));
        assertEquals(List.of("mqtts://broker.example:8883/Smqttae"), m.pointOfAccess("tok", "Smqttae"));
    }

    @Test
    void requestsForOneEntityReachItInTheOrderTheBrokerDeliveredThem() throws Exception {
        upstream("json"); // for the bus; this test uses its own upstream with four dispatch lanes
        MessageDispatch lanes = new MessageDispatch(4, 1000);
        try {
            UpstreamConfig config = ConfigLoader.parse("""
                    listeners: {ws: {port: 0}}
                    upstreams: [{name: acme, binding: mqtt, broker: "tcp://127.0.0.1:1", cseId: /id-in}]
                    """).upstreams().get(0);
            InMemoryTransport own = new InMemoryTransport();
            new MqttUpstream(config, bus, codecs, metrics, timer, lanes, (h, l) -> {
                own.handler = h;
                return own;
            });
            TestLink device = new TestLink("ws-order");
            registry.put(new org.m2mbridge.core.bus.Registration("Cord", org.m2mbridge.core.bus.Registration.Kind.AE,
                    "acme", "tok2", "ord", "Cord", List.of(), java.time.Instant.now()));
            bus.bind("Cord", device);
            int n = 200; // within one lane's queue (1000 / 4)
            for (int i = 0; i < n; i++) {
                own.handler.message("/oneM2M/req/id-in/Cord/json", ("{\"op\":5,\"to\":\"Cord\",\"fr\":\"/id-in\","
                        + "\"rqi\":\"o" + i + "\",\"rvi\":\"3\"}").getBytes(StandardCharsets.UTF_8));
            }
            Await.until(Duration.ofSeconds(10), () -> device.received.size() == n, n + " notifications");
            for (int i = 0; i < n; i++) {
                assertEquals("o" + i, device.received.get(i).rqi());
            }
        } finally {
            lanes.stop(Duration.ofMillis(100));
        }
    }

    @Test
    void cborResponseAsHexTextIsAccepted() throws Exception {
        upstream("cbor");
        CompletableFuture<ResponsePrimitive> pending = retrieve("Cmqttae", "mq-008");
        byte[] cbor = codecs.get(Serialization.CBOR).encode(ResponsePrimitive.builder(2000, "mq-008").rvi("3").build());
        // Mobius publishes CBOR as a hex string (docs/spec/peers.md PEER-M-2).
        transport.handler.message("/oneM2M/resp/Cmqttae/id-in/cbor",
                java.util.HexFormat.of().formatHex(cbor).getBytes(StandardCharsets.US_ASCII));
        assertEquals(2000, pending.get(5, TimeUnit.SECONDS).rsc());
    }

    @Test
    void fullDispatchQueueDropsCountsAndAnswersARequest5000WithoutBlocking() throws Exception {
        upstream("json");

        CountDownLatch release = new CountDownLatch(1);
        assertTrue(dispatch.offer("any", () -> awaitQuietly(release))); // occupies the only worker
        assertTrue(dispatch.offer("any", () -> { }));              // fills the queue of one

        byte[] notify = "{\"op\":5,\"to\":\"Cae\",\"fr\":\"/id-in\",\"rqi\":\"n1\",\"rvi\":\"3\"}"
                .getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        transport.handler.message("/oneM2M/req/id-in/Cae/json", notify);
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 2000, "the callback thread never waits");
        release.countDown();

        byte[] answer = transport.published(("/oneM2M/resp/id-in/Cae/json")).get(0);
        ResponsePrimitive r = codecs.get(Serialization.JSON).decode(answer).response().orElseThrow();
        assertEquals(5000, r.rsc());
        assertEquals("n1", r.rqi());
        assertEquals(1.0, metrics.limitRefusals.labelValues("mqtt_dispatch_queue").get());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
