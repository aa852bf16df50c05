package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.bus.Link;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RefusingPort;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

/**
 * Devices that speak MQTT to the bridge ({@code listeners.deviceMqtt}) against a real broker: requests onto the bus
 * and their responses on the mirrored topic, bad payloads answered 4000, and requests for a device (NOTIFY) down to
 * its topic with its answer back.
 */
@Timeout(90)
class DeviceBrokerSessionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static EmbeddedBroker embedded;
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final ScriptedUpstream cse = new ScriptedUpstream("cse", "/id-in");
    private TestBus testBus;
    private MqttBinding binding;

    @BeforeAll
    static void startBroker() throws Exception {
        embedded = new EmbeddedBroker();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        embedded.close();
    }

    @AfterEach
    void stop() {
        if (binding != null) {
            binding.stop(Duration.ofMillis(300));
        }
        if (testBus != null) {
            testBus.close();
        }
    }

    private static BridgeConfig config(String broker, String extra) {
        return ConfigLoader.parse("""
                listeners:
                  deviceMqtt:
                    broker: %s
                    mqtt: { clientId: "C::bridge-devices-%d", maxReconnectDelay: 1s }
                upstreams:
                  - name: cse
                    binding: http
                    url: http://127.0.0.1:9
                    cseId: /id-in                 # the bus in this test uses a scripted CSE instead
                %s
                routes:
                  default: cse
                """.formatted(broker, System.nanoTime(), extra.indent(2)));
    }

    /** A bus with the scripted CSE as default route and the MQTT binding serving devices on {@code broker}. */
    private void startBridge(String broker, Duration timeout, StoreSettings store) throws Exception {
        testBus = new TestBus(timeout, store, cse);
        binding = new MqttBinding();
        binding.start(new BridgeContext(config(broker, ""), testBus.bus, codecs, testBus.metrics, testBus.timer));
    }

    private void startBridge() throws Exception {
        startBridge(embedded.url(), Duration.ofSeconds(5), StoreSettings.IN_MEMORY);
        Await.until(WAIT, binding::isReady, "device session connected and subscribed");
    }

    private MqttTestDevice device(String... filters) throws Exception {
        return new MqttTestDevice(embedded.url(), "A::test-" + System.nanoTime(), filters);
    }

    private ResponsePrimitive response(MqttTestDevice.Message m, Serialization format) {
        return codecs.get(format).decode(m.payload()).response().orElseThrow(() -> new AssertionError(m.text()));
    }

    private static String createAe(String fr, String rqi) {
        return "{\"op\":1,\"to\":\"cse-in\",\"fr\":\"" + fr + "\",\"rqi\":\"" + rqi + "\",\"rvi\":\"3\",\"ty\":2,"
                + "\"pc\":{\"m2m:ae\":{\"rn\":\"dev\",\"api\":\"Ndev\",\"rr\":true,\"srv\":[\"3\"],"
                + "\"poa\":[\"mqtt://127.0.0.1\"]}}}";
    }

    @Test
    void aDeviceRequestGoesOnTheBusAndItsResponseOnTheMirroredTopic() throws Exception {
        startBridge();
        try (MqttTestDevice device = device("/oneM2M/resp/Cdev1/id-in/+")) {
            device.publish("/oneM2M/req/Cdev1/id-in/json", createAe("Cdev1", "r-1"));

            MqttTestDevice.Message m = device.await(WAIT, x -> x.topic().equals("/oneM2M/resp/Cdev1/id-in/json"),
                    "the response");
            ResponsePrimitive r = response(m, Serialization.JSON);
            assertEquals(2001, r.rsc());
            assertEquals("r-1", r.rqi());
            assertEquals("[\"mqtt://127.0.0.1\"]", r.pc().get("m2m:ae").get("poa").toString(),
                    "the device sees its own poa");
            RequestPrimitive upstream = cse.received.get(0);
            assertEquals("Cdev1", upstream.fr());
            assertEquals("[\"http://bridge.test/notify/" + cse.registered.get(0).token() + "\"]",
                    upstream.pc().get("m2m:ae").get("poa").toString(), "the CSE is given the bridge's poa");
            Link bound = testBus.bus.boundLink("Cdev1").orElseThrow();
            assertEquals(MqttDeviceLink.ID, bound.id(), "the new AE is bound to the MQTT device link");
            ConnectionView view = binding.connections().get(0);
            assertEquals(List.of("Cdev1"), view.entities(), "the status API shows it on the device session");
            assertEquals("mqtt", view.binding());
            assertEquals("json", view.subprotocol());

            // A QoS 1 redelivery of the same request is answered from the first exchange, not sent again.
            device.publish("/oneM2M/req/Cdev1/id-in/json", createAe("Cdev1", "r-1"));
            Await.until(WAIT, () -> device.received.size() == 2, "the second answer");
            assertEquals(2001, response(device.received.get(1), Serialization.JSON).rsc());
            assertEquals(1, cse.received.size(), "the CSE saw the request once");
        }
    }

    @Test
    void theListenersDialectRepairsADevicesRequestBeforeItGoesUpstream() throws Exception {
        testBus = new TestBus(Duration.ofSeconds(5), StoreSettings.IN_MEMORY, cse);
        binding = new MqttBinding();
        BridgeConfig withDialect = ConfigLoader.parse("""
                listeners:
                  deviceMqtt:
                    broker: %s
                    mqtt: { clientId: "C::bridge-devices-%d", maxReconnectDelay: 1s }
                    dialect: { defaultRvi: "2a", slashedCseBaseName: true, defaultSrv: ["2a"] }
                upstreams:
                  - { name: cse, binding: http, url: "http://127.0.0.1:9", cseId: /id-in, cseName: cse-in }
                routes:
                  default: cse
                """.formatted(embedded.url(), System.nanoTime()));
        binding.start(new BridgeContext(withDialect, testBus.bus, codecs, testBus.metrics, testBus.timer));
        Await.until(WAIT, binding::isReady, "device session connected and subscribed");
        try (MqttTestDevice device = device("/oneM2M/resp/Cdia/id-in/+")) {
            // nCube-Thyme's way of writing a registration (fixtures/peers/ncube-thyme)
            device.publish("/oneM2M/req/Cdia/id-in/json", "{\"op\":\"1\",\"to\":\"/cse-in\",\"fr\":\"Cdia\","
                    + "\"rqi\":\"d-1\",\"ty\":\"2\",\"pc\":{\"m2m:ae\":{\"rn\":\"dia\",\"api\":\"Ndia\","
                    + "\"rr\":\"true\",\"poa\":[\"mqtt://127.0.0.1\"]}}}");
            ResponsePrimitive r = response(device.await(WAIT, x -> x.text().contains("d-1"), "the answer"),
                    Serialization.JSON);
            assertEquals(2001, r.rsc());
            RequestPrimitive upstream = cse.received.get(0);
            assertEquals("2a", upstream.rvi());
            assertEquals("cse-in", upstream.to());
            assertEquals("[\"2a\"]", upstream.pc().path("m2m:ae").path("srv").toString());
        }
    }

    @Test
    void registrationWithoutAnIdOnRegReqIsAnsweredOnRegRespInTheSameSerialization() throws Exception {
        startBridge();
        try (MqttTestDevice device = device("/oneM2M/reg_resp/cred-7/id-in/+")) {
            RequestPrimitive create = codecs.get(Serialization.JSON).decode(createAe("C", "reg-1").getBytes())
                    .request().orElseThrow();
            device.publish("/oneM2M/reg_req/cred-7/id-in/xml", codecs.get(Serialization.XML).encode(create));

            MqttTestDevice.Message m = device.await(WAIT,
                    x -> x.topic().equals("/oneM2M/reg_resp/cred-7/id-in/xml"), "the registration response");
            ResponsePrimitive r = response(m, Serialization.XML);
            assertEquals(2001, r.rsc());
            assertEquals("reg-1", r.rqi());
            assertEquals("Cdev", r.pc().get("m2m:ae").get("aei").asText());
            assertTrue(testBus.bus.boundLink("Cdev").isPresent());

            // reg_req carries registrations only (TS-0010 6.4.4)
            device.publish("/oneM2M/reg_req/cred-7/id-in/json",
                    "{\"op\":2,\"to\":\"cse-in\",\"fr\":\"C\",\"rqi\":\"reg-2\",\"rvi\":\"3\"}");
            ResponsePrimitive refused = response(device.await(WAIT,
                    x -> x.topic().endsWith("/json") && x.text().contains("reg-2"), "the refusal"), Serialization.JSON);
            assertEquals(4000, refused.rsc());
        }
    }

    @Test
    void anUndecodablePayloadIsAnswered4000WithItsRqiAndTheSessionCarriesOn() throws Exception {
        startBridge();
        try (MqttTestDevice device = device("/oneM2M/resp/Cbad/id-in/+")) {
            device.publish("/oneM2M/req/Cbad/id-in/json", "{\"op\":2,\"rqi\":\"bad-1\",\"to\": [oops");
            ResponsePrimitive bad = response(device.await(WAIT, x -> x.text().contains("bad-1"), "the 4000"),
                    Serialization.JSON);
            assertEquals(4000, bad.rsc());
            assertEquals("bad-1", bad.rqi());

            device.publish("/oneM2M/req/Cbad/id-in/cbor", new byte[] {(byte) 0xff, 0x00, 0x13});
            MqttTestDevice.Message cbor = device.await(WAIT, x -> x.topic().endsWith("/cbor"), "the CBOR 4000");
            assertEquals(4000, response(cbor, Serialization.CBOR).rsc());

            device.publish("/oneM2M/req/Cbad/id-in/json", createAe("Cbad", "good-1"));
            ResponsePrimitive good = response(device.await(WAIT, x -> x.text().contains("good-1"), "a good answer"),
                    Serialization.JSON);
            assertEquals(2001, good.rsc());
        }
    }

    @Test
    void aNotifyForTheDeviceIsPublishedOnItsTopicAndItsAnswerReturns() throws Exception {
        startBridge();
        try (MqttTestDevice device = device("/oneM2M/resp/Cnote/id-in/+", "/oneM2M/req/id-in/Cnote/+")) {
            device.publish("/oneM2M/req/Cnote/id-in/json", createAe("Cnote", "n-1"));
            device.await(WAIT, x -> x.text().contains("n-1"), "the registration");

            CompletableFuture<ResponsePrimitive> answer = testBus.bus.send(notify("Cnote", "sgn-1"),
                    Ingress.upstream("test", "cse"));
            MqttTestDevice.Message pushed = device.await(WAIT,
                    x -> x.topic().equals("/oneM2M/req/id-in/Cnote/json"), "the NOTIFY");
            RequestPrimitive notify = codecs.get(Serialization.JSON).decode(pushed.payload()).request().orElseThrow();
            assertEquals(Operation.NOTIFY, notify.op());
            assertEquals("hello", notify.pc().at("/m2m:sgn/nev/rep/m2m:cin/con").asText());
            device.publish("/oneM2M/resp/id-in/Cnote/json",
                    "{\"rsc\":2000,\"rqi\":\"" + notify.rqi() + "\",\"rvi\":\"3\"}");
            ResponsePrimitive r = answer.get(10, TimeUnit.SECONDS);
            assertEquals(2000, r.rsc());
            assertEquals("sgn-1", r.rqi());

            // A device that does not answer: 4008 at the deadline, exactly once.
            CompletableFuture<ResponsePrimitive> silent = testBus.bus.send(notify("Cnote", "sgn-2").toBuilder()
                    .rqet(Instant.now().plusMillis(800).toString()).build(), Ingress.upstream("test", "cse"));
            assertEquals(4008, silent.get(10, TimeUnit.SECONDS).rsc());
        }
    }

    @Test
    void aRegisteredDeviceThatSpeaksAgainIsReboundAndGetsWhatWasStoredMeanwhile() throws Exception {
        startBridge();
        // As after a bridge restart: registered (durable registry) but bound to nothing.
        testBus.registry.put(new Registration("Cback", Registration.Kind.AE, "cse", "tok", "back", "Cback",
                null, Instant.now()));
        CompletableFuture<ResponsePrimitive> stored = testBus.bus.send(notify("Cback", "kept-1"),
                Ingress.upstream("test", "cse"));
        try (MqttTestDevice device = device("/oneM2M/resp/Cback/id-in/+", "/oneM2M/req/id-in/Cback/+")) {
            device.publish("/oneM2M/req/Cback/id-in/json",
                    "{\"op\":2,\"to\":\"cse-in\",\"fr\":\"Cback\",\"rqi\":\"again-1\",\"rvi\":\"3\"}");
            MqttTestDevice.Message pushed = device.await(WAIT, x -> x.topic().equals("/oneM2M/req/id-in/Cback/json"),
                    "the stored NOTIFY");
            RequestPrimitive notify = codecs.get(Serialization.JSON).decode(pushed.payload()).request().orElseThrow();
            device.publish("/oneM2M/resp/id-in/Cback/json", "{\"rsc\":2000,\"rqi\":\"" + notify.rqi() + "\"}");
            assertEquals(MqttDeviceLink.ID, testBus.bus.boundLink("Cback").orElseThrow().id());
            int rsc = stored.get(10, TimeUnit.SECONDS).rsc();
            assertTrue(rsc == 2000 || rsc == 1000, "answered by the device or accepted for later: " + rsc);
            Await.until(WAIT, () -> testBus.metrics.storeDelivered.get() >= 1, "stored request delivered");
        }
    }

    /**
     * The devices' broker restarts (file persistence kept): the bridge's persistent session survives it, so what
     * devices publish before the bridge is subscribed again waits at the broker and is answered; the bridge is
     * ready again only once re-subscribed, and the metrics show the outage and the kept session.
     */
    @Test
    void requestsPublishedBeforeTheBridgeIsBackAfterABrokerRestartAreAnswered() throws Exception {
        try (EmbeddedBroker own = new EmbeddedBroker()) {
            startBridge(own.url(), Duration.ofSeconds(5), StoreSettings.IN_MEMORY);
            Await.until(WAIT, binding::isReady, "device session connected and subscribed");
            own.stop();
            Await.until(WAIT, () -> !binding.isReady(), "the lost connection noticed");
            own.start();
            boolean away;
            try (MqttTestDevice device = new MqttTestDevice(own.url(), "A::restart-" + System.nanoTime(),
                    "/oneM2M/resp/Cback2/id-in/+")) {
                away = !binding.isReady();
                for (int i = 0; i < 20; i++) {
                    device.publish("/oneM2M/req/Cback2/id-in/json", "{\"op\":2,\"to\":\"cse-in\",\"fr\":"
                            + "\"Cback2\",\"rqi\":\"after-" + i + "\",\"rvi\":\"3\"}");
                }
                Await.until(Duration.ofSeconds(20), () -> device.received.size() >= 20, "20 answers");
                for (int i = 0; i < 20; i++) {
                    String rqi = "after-" + i;
                    assertEquals(1, device.received.stream().filter(m -> response(m, Serialization.JSON).rqi()
                            .equals(rqi)).count(), "one answer to " + rqi);
                }
            }
            Await.until(WAIT, binding::isReady, "ready again");
            assertEquals(1.0, testBus.metrics.mqttConnects.labelValues(DeviceBrokerSession.SESSION, "true").get(),
                    "the broker kept the session over its restart");
            assertEquals(1L, testBus.metrics.mqttReconnectSeconds.labelValues(DeviceBrokerSession.SESSION)
                    .getCount(), "one outage measured");
            System.out.println("device session: first request published while the bridge was away: " + away);
        }
    }

    @Test
    void brokerDownAnswers5103AtOnce() throws Exception {
        try (RefusingPort dead = new RefusingPort()) {
            startBridge("tcp://127.0.0.1:" + dead.port(), MqttOutageTest.PROMPTNESS_DEADLINE,
                    StoreSettings.IN_MEMORY.withEnabled(false));
            testBus.registry.put(new Registration("Coff", Registration.Kind.AE, "cse", "tok", "off", "Coff",
                    null, Instant.now()));
            MqttDeviceLink link = binding.deviceLink().orElseThrow();
            testBus.bus.bind("Coff", link);
            long started = System.nanoTime();
            ResponsePrimitive r = testBus.bus.send(notify("Coff", "down-1"), Ingress.upstream("test", "cse"))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(5103, r.rsc());
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(MqttOutageTest.PROMPT) < 0,
                    "answered at once, not at the " + MqttOutageTest.PROMPTNESS_DEADLINE + " deadline");
            assertTrue(!binding.isReady(), "not ready while the devices' broker is down");
        }
    }

    @Test
    void theDevicesBrokerMustNotBeAnMqttUpstreamsBroker() {
        testBus = new TestBus(Duration.ofSeconds(5), cse);
        binding = new MqttBinding();
        BridgeConfig c = config(embedded.url(), """
                - name: mq
                  binding: mqtt
                  broker: %s
                  cseId: /id-mn
                """.formatted(embedded.url()));
        ConfigException e = assertThrows(ConfigException.class, () -> binding.start(
                new BridgeContext(c, testBus.bus, codecs, testBus.metrics, testBus.timer)));
        assertTrue(e.getMessage().startsWith("listeners.deviceMqtt.broker"), e.getMessage());
    }

    private static RequestPrimitive notify(String to, String rqi) {
        return RequestPrimitive.builder().op(Operation.NOTIFY).to(to).fr("/id-in").rqi(rqi).rvi("3")
                .pc(MqttBindingTest.json("{\"m2m:sgn\":{\"nev\":{\"net\":3,\"rep\":{\"m2m:cin\":{\"con\":\"hello\"}}},"
                        + "\"sur\":\"/id-in/sub1\"}}"))
                .build();
    }
}
