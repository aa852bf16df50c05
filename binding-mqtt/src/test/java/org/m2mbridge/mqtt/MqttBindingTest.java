package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
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
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;

/** The binding against a real broker and an ACME-like CSE stand-in (fixtures acme/mqtt-*, mobius/mqtt-05b). */
@Timeout(90)
class MqttBindingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static RequestPrimitive createAe(String fr, String rn, String rqi) {
        return RequestPrimitive.builder().op(Operation.CREATE).to("cse-in").fr(fr).rqi(rqi).rvi("3").ty(2)
                .pc(json("{\"m2m:ae\":{\"rn\":\"" + rn + "\",\"api\":\"N" + rn
                        + "\",\"rr\":true,\"srv\":[\"3\"],\"poa\":[\"ws://device.local/\"]}}"))
                .build();
    }

    static RequestPrimitive notify(String to, String rqi) {
        return RequestPrimitive.builder().op(Operation.NOTIFY).to(to).fr("/id-in").rqi(rqi).rvi("3")
                .pc(json("{\"m2m:sgn\":{\"nev\":{\"net\":3,\"rep\":{\"m2m:cin\":{\"con\":\"hello-mqtt\"}}},"
                        + "\"sur\":\"/id-in/subT8RTligqw1\"}}"))
                .build();
    }

    static ResponsePrimitive send(TestBridge bridge, RequestPrimitive r, TestLink link) throws Exception {
        return bridge.bus.send(r, Ingress.downstream(link)).get(15, TimeUnit.SECONDS);
    }

    static void awaitConnected(TestBridge bridge) {
        Await.until(Duration.ofSeconds(15), bridge.upstream::isReachable, "MQTT connection");
    }

    /**
     * Publishes a NOTIFY for {@code receiver} and returns the CSE's record of the answer. The bridge subscribed
     * before the registration was answered, but the broker may apply it a moment later than a publish of
     * another client, so a NOTIFY that finds no subscriber is sent again with a fresh rqi (at most 10 times).
     */
    static StandInCse.Received notifyUntilAnswered(StandInCse cse, String receiver, String to, String rqi) {
        for (int attempt = 0; attempt < 10; attempt++) {
            String id = rqi + "-" + attempt;
            cse.send(receiver, notify(to, id));
            if (Await.within(Duration.ofSeconds(1), () -> answerTo(cse, id) != null)) {
                return answerTo(cse, id);
            }
        }
        throw new AssertionError("NOTIFY for " + receiver + " never answered");
    }

    private static StandInCse.Received answerTo(StandInCse cse, String rqi) {
        return cse.responses.stream()
                .filter(r -> r.primitive() instanceof ResponsePrimitive p && rqi.equals(p.rqi()))
                .findFirst().orElse(null);
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void createAeThenNotifyReachesTheDeviceAndItsAnswerTheCse(String broker) throws Exception {
        String url = Brokers.url(broker, embedded);
        try (StandInCse cse = new StandInCse(url, "/id-in");
             TestBridge bridge = new TestBridge(url, Duration.ofSeconds(5))) {
            awaitConnected(bridge);
            TestLink link = new TestLink("ws-1");

            ResponsePrimitive created = send(bridge, createAe("Cmqttae", "mqttae", "mq-002"), link);
            assertEquals(2001, created.rsc());
            assertEquals("mq-002", created.rqi());

            // As the ACME client of fixture acme/mqtt-02 sends it, with the bridge's poa.
            StandInCse.Received seen = cse.requests.get(0);
            assertEquals("/oneM2M/req/Cmqttae/id-in/json", seen.topic());
            RequestPrimitive wire = assertInstanceOf(RequestPrimitive.class, seen.primitive());
            URI broker1 = URI.create(url);
            assertEquals("[\"mqtt://" + broker1.getHost() + ":" + broker1.getPort() + "\"]",
                    wire.pc().get("m2m:ae").get("poa").toString());
            assertEquals("[\"ws://device.local/\"]", created.pc().get("m2m:ae").get("poa").toString(),
                    "the device sees its own poa");
            assertTrue(bridge.registry.byEntityId("Cmqttae").isPresent());
            assertEquals(link, bridge.bus.boundLink("Cmqttae").orElseThrow());

            // acme/mqtt-05: the CSE notifies on /oneM2M/req/id-in/Cmqttae/json and expects the answer mirrored.
            StandInCse.Received answer = notifyUntilAnswered(cse, "Cmqttae", "Cmqttae", "daGW3Foj5p");
            ResponsePrimitive rsp = (ResponsePrimitive) answer.primitive();
            assertEquals(2000, rsp.rsc());
            assertEquals("/oneM2M/resp/id-in/Cmqttae/json", answer.topic());
            assertTrue(link.received.stream().anyMatch(r -> r.op() == Operation.NOTIFY && r.rqi().equals(rsp.rqi())),
                    "the NOTIFY reached the device's link");

            // The SP-relative receiver form reaches it too (TS-0010 6.4.2 vs the bare stem of 7.4).
            StandInCse.Received full = notifyUntilAnswered(cse, "id-in:Cmqttae", "/id-in/Cmqttae", "full");
            assertEquals(2000, ((ResponsePrimitive) full.primitive()).rsc());
            assertEquals("/oneM2M/resp/id-in/id-in:Cmqttae/json", full.topic());
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void registrationWithoutAnIdGoesThroughRegReq(String broker) throws Exception {
        String url = Brokers.url(broker, embedded);
        try (StandInCse cse = new StandInCse(url, "/id-in");
             TestBridge bridge = new TestBridge(url, Duration.ofSeconds(5))) {
            awaitConnected(bridge);
            ResponsePrimitive created = send(bridge, createAe("C", "regae", "reg-1"), new TestLink("ws-2"));
            assertEquals(2001, created.rsc());
            assertEquals("reg-1", created.rqi());
            assertEquals("Cregae", created.pc().get("m2m:ae").get("aei").asText());
            String topic = cse.requests.get(0).topic();
            assertTrue(topic.matches("/oneM2M/reg_req/cred-[0-9a-f]{32}/id-in/json"), topic);
            assertTrue(bridge.registry.byEntityId("Cregae").isPresent());

            // A second registration uses a different credential ID.
            assertEquals(2001, send(bridge, createAe("S", "regae2", "reg-2"), new TestLink("ws-3")).rsc());
            assertFalse(cse.requests.get(1).topic().equals(topic));
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void cborUpstreamPublishesRawCbor(String broker) throws Exception {
        String url = Brokers.url(broker, embedded);
        try (StandInCse cse = new StandInCse(url, "/id-in");
             TestBridge bridge = new TestBridge(url, Duration.ofSeconds(5), "serialization: cbor", "")) {
            awaitConnected(bridge);
            RequestPrimitive retrieve = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in/mqttae")
                    .fr("Cmqttae").rqi("mq-008").rvi("3").build();
            ResponsePrimitive r = send(bridge, retrieve, new TestLink("ws-4"));
            assertEquals(2000, r.rsc());
            assertEquals("mq-008", r.rqi());
            StandInCse.Received seen = cse.requests.get(0);
            assertEquals("/oneM2M/req/Cmqttae/id-in/cbor", seen.topic());
            int first = seen.payload()[0] & 0xff;
            assertTrue(first >= 0xa0 && first <= 0xbf, "a CBOR map, not hex text: 0x" + Integer.toHexString(first));
            RequestPrimitive decoded = new Codecs(CodecLimits.DEFAULT).get(Serialization.CBOR).decode(seen.payload())
                    .request().orElseThrow();
            assertEquals("cse-in/mqttae", decoded.to());
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void duplicateResponsesAreDroppedAndSilenceGives4008(String broker) throws Exception {
        String url = Brokers.url(broker, embedded);
        try (StandInCse cse = new StandInCse(url, "/id-in");
             TestBridge bridge = new TestBridge(url, Duration.ofSeconds(2))) {
            awaitConnected(bridge);
            cse.answerTwice = true; // Mobius: on /resp/o/r and /resp/o/r/json
            TestLink link = new TestLink("ws-5");
            for (int i = 0; i < 20; i++) {
                RequestPrimitive r = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in").fr("Cmqttae")
                        .rqi("dup-" + i).rvi("3").build();
                ResponsePrimitive rsp = send(bridge, r, link);
                assertEquals(2000, rsp.rsc());
                assertEquals("dup-" + i, rsp.rqi());
            }
            Await.until(Duration.ofSeconds(5), () -> cse.requests.size() == 20, "20 requests");
            assertEquals(0, bridge.upstream.outstanding());
            assertEquals(0.0, bridge.counter(bridge.metrics.lateResponses), "duplicates are not late responses");

            cse.silent = true;
            long t0 = System.nanoTime();
            ResponsePrimitive timeout = send(bridge, RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in")
                    .fr("Cmqttae").rqi("lost").rvi("3").build(), link);
            assertEquals(4008, timeout.rsc());
            assertEquals("lost", timeout.rqi());
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(6)) < 0,
                    "at the 2 s deadline, well before its 8 s maximum");
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void aCseThatNeverAnswersGives4008ToEveryRequestInFlightWithItsOwnRqi(String broker) throws Exception {
        String url = Brokers.url(broker, embedded);
        try (StandInCse cse = new StandInCse(url, "/id-in");
             TestBridge bridge = new TestBridge(url, Duration.ofMillis(1500))) {
            awaitConnected(bridge);
            cse.silent = true; // the broker takes every request, the CSE answers none
            TestLink link = new TestLink("ws-7");
            List<CompletableFuture<ResponsePrimitive>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                all.add(bridge.bus.send(RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in")
                        .fr("Cmqttae").rqi("silent-" + i).rvi("3").build(), Ingress.downstream(link)));
            }
            for (int i = 0; i < 200; i++) {
                ResponsePrimitive r = all.get(i).get(15, TimeUnit.SECONDS);
                assertEquals(4008, r.rsc(), String.valueOf(r));
                assertEquals("silent-" + i, r.rqi());
            }
            assertEquals(200.0, bridge.metrics.upstreamErrors.labelValues("acme", "timeout").get());
            assertEquals(0, bridge.upstream.outstanding());
        }
    }

    @ParameterizedTest
    @MethodSource("brokers")
    void mobiusStylePoaWithEntityPathAndNotifyAddressedToThePoa(String broker) throws Exception {
        String url = Brokers.url(broker, embedded);
        try (StandInCse cse = new StandInCse(url, "/id-in");
             TestBridge bridge = new TestBridge(url, Duration.ofSeconds(5), "", "poaStyle: with-entity-path")) {
            awaitConnected(bridge);
            TestLink link = new TestLink("ws-6");
            assertEquals(2001, send(bridge, createAe("Smqttae", "mqttae", "mq-002"), link).rsc());
            Registration reg = bridge.registry.byEntityId("Smqttae").orElseThrow();
            RequestPrimitive wire = (RequestPrimitive) cse.requests.get(0).primitive();
            String poa = wire.pc().get("m2m:ae").get("poa").get(0).asText();
            assertTrue(poa.matches("mqtt://[^/]+:\\d+/" + reg.token()), poa);

            // mobius/mqtt-05b: topic receiver = the poa path, "to" = the poa URL itself.
            StandInCse.Received answer = notifyUntilAnswered(cse, reg.token(), poa, "EmDZA_UGlE");
            assertEquals(2000, ((ResponsePrimitive) answer.primitive()).rsc());
            assertEquals("Smqttae", link.received.get(0).to());
        }
    }

    /** The snippet for an ACME-oneM2M-CSE (csi /id-in) behind Mosquitto, as the report and README give it. */
    static final String ACME_BEHIND_MOSQUITTO = """
            listeners:
              ws: {port: 0}
            upstreams:
              - name: acme
                binding: mqtt
                broker: tcp://127.0.0.1:1883      # ACME's mqtt.address/port
                cseId: /id-in                     # ACME's cseID
                serialization: json               # ACME accepts json and cbor over MQTT, not xml
                timeout: 10s
                mqtt:
                  clientId: "C::m2m-bridge"       # unique per broker (TS-0010 6.3)
                  topicForm: bare                 # /oneM2M/req/Cmyae/id-in/json, as ACME's own clients
                  poaStyle: plain                 # poa mqtt://127.0.0.1:1883; ACME notifies /oneM2M/req/id-in/<AE-ID>/json
            routes:
              default: acme
            """;

    @ParameterizedTest
    @MethodSource("brokers")
    void acmeBehindMosquittoSnippetWorksAsGiven(String broker) throws Exception {
        String url = Brokers.url(broker, embedded);
        String yaml = ACME_BEHIND_MOSQUITTO.replace("tcp://127.0.0.1:1883", url)
                .replace("C::m2m-bridge", "C::m2m-bridge-" + System.nanoTime());
        try (StandInCse cse = new StandInCse(url, "/id-in");
             TestBridge bridge = new TestBridge(org.m2mbridge.core.config.ConfigLoader.parse(yaml),
                     Duration.ofSeconds(5))) {
            awaitConnected(bridge);
            TestLink link = new TestLink("ws-acme");
            assertEquals(2001, send(bridge, createAe("Cmyae", "myae", "s1"), link).rsc());
            assertEquals("/oneM2M/req/Cmyae/id-in/json", cse.requests.get(0).topic());
            StandInCse.Received answer = notifyUntilAnswered(cse, "Cmyae", "Cmyae", "s2");
            assertEquals("/oneM2M/resp/id-in/Cmyae/json", answer.topic());
        }
    }

    @org.junit.jupiter.api.Test
    void stopFailsOutstandingRequestsAtOnce() throws Exception {
        try (StandInCse cse = new StandInCse(embedded.url(), "/id-in");
             TestBridge bridge = new TestBridge(embedded.url(), Duration.ofSeconds(30))) {
            awaitConnected(bridge);
            cse.silent = true;
            CompletableFuture<ResponsePrimitive> pending = bridge.bus.send(RequestPrimitive.builder()
                    .op(Operation.RETRIEVE).to("cse-in").fr("Cmqttae").rqi("in-flight").rvi("3").build(),
                    Ingress.downstream(new TestLink("ws-7")));
            Await.until(Duration.ofSeconds(5), () -> cse.requests.size() == 1, "request at the CSE");
            long t0 = System.nanoTime();
            bridge.binding.stop(Duration.ofSeconds(1));
            ResponsePrimitive r = pending.get(15, TimeUnit.SECONDS);
            assertEquals(5103, r.rsc());
            assertEquals("in-flight", r.rqi());
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 10_000, "at the stop, not at the 30 s deadline");
            assertFalse(bridge.upstream.isReachable());
        }
    }
}
