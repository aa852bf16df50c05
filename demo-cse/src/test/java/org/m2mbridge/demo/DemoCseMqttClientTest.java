package org.m2mbridge.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.mqtt.EmbeddedBroker;

/** The MQTT front of the demo CSE against an embedded HiveMQ CE broker, driven by a Paho test client (TS-0010). */
@Timeout(90)
class DemoCseMqttClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_MS = 10_000;

    private static EmbeddedBroker broker;
    private static String brokerUri;

    /** One message the test client received. */
    record Received(String topic, JsonNode payload) {
    }

    private final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    private DemoCse cse;
    private DemoCseMqttClient front;
    private MqttAsyncClient ae;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedBroker();
        brokerUri = broker.url();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void connect() throws Exception {
        cse = new DemoCse();
        front = DemoCseMqttClient.start(cse, new Codecs(CodecLimits.DEFAULT), brokerUri, Duration.ofSeconds(10));
        ae = new MqttAsyncClient(brokerUri, "test-ae-" + System.nanoTime(), new MemoryPersistence());
        ae.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                inbox.add(new Received(topic, JSON.readTree(message.getPayload())));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        ae.connect(o).waitForCompletion(WAIT_MS);
        ae.subscribe(new String[] {"/oneM2M/resp/Cmqttae/id-in/#", "/oneM2M/req/id-in/Cmqttae/#",
                "/oneM2M/reg_resp/+/id-in/#"}, new int[] {1, 1, 1}).waitForCompletion(WAIT_MS);
    }

    @AfterEach
    void disconnect() throws Exception {
        ae.disconnect().waitForCompletion(WAIT_MS);
        ae.close();
        front.close();
        cse.close();
    }

    @Test
    void registersAndRetrievesOverMqtt() throws Exception {
        publish("/oneM2M/req/Cmqttae/id-in/json", "{\"op\":1,\"to\":\"cse-in\",\"fr\":\"Cmqttae\",\"rqi\":\"mq-002\","
                + "\"rvi\":\"3\",\"ty\":2,\"pc\":{\"m2m:ae\":{\"rn\":\"mqttae\",\"api\":\"Nmqttae\",\"rr\":true,"
                + "\"srv\":[\"3\"],\"poa\":[\"mqtt://127.0.0.1:1883\"]}}}");
        Received created = next();
        assertEquals("/oneM2M/resp/Cmqttae/id-in/json", created.topic());
        assertEquals(2001, created.payload().get("rsc").asInt());
        assertEquals("mq-002", created.payload().get("rqi").asText());
        assertEquals("/id-in", created.payload().get("fr").asText());
        assertEquals("Cmqttae", created.payload().get("to").asText());
        assertEquals("Cmqttae", created.payload().get("pc").get("m2m:ae").get("aei").asText());

        publish("/oneM2M/req/Cmqttae/id-in/json", "{\"op\":2,\"to\":\"cse-in/mqttae\",\"fr\":\"Cmqttae\","
                + "\"rqi\":\"mq-003\",\"rvi\":\"3\"}");
        Received retrieved = next();
        assertEquals(2000, retrieved.payload().get("rsc").asInt());
        assertEquals("mq-003", retrieved.payload().get("rqi").asText());
        assertEquals("mqttae", retrieved.payload().get("pc").get("m2m:ae").get("rn").asText());

        publish("/oneM2M/req/Cmqttae/id-in/json", "{\"op\":2}");
        Received bad = next();
        assertEquals(4000, bad.payload().get("rsc").asInt(), "as ACME fixture mqtt-07");
        assertNull(bad.payload().get("rqi"));
    }

    @Test
    void answersARegistrationRequestOnRegResp() throws Exception {
        publish("/oneM2M/reg_req/cred1/id-in/json", "{\"op\":1,\"to\":\"cse-in\",\"fr\":\"C\",\"rqi\":\"reg-1\","
                + "\"rvi\":\"3\",\"ty\":2,\"pc\":{\"m2m:ae\":{\"api\":\"Nx\",\"rr\":false}}}");
        Received r = next();
        assertEquals("/oneM2M/reg_resp/cred1/id-in/json", r.topic());
        assertEquals(2001, r.payload().get("rsc").asInt());
        assertTrue(r.payload().get("pc").get("m2m:ae").get("aei").asText().startsWith("C"));
    }

    @Test
    void notifiesAnMqttAeAndTakesItsAnswer() throws Exception {
        publish("/oneM2M/req/Cmqttae/id-in/json", "{\"op\":1,\"to\":\"cse-in\",\"fr\":\"Cmqttae\",\"rqi\":\"1\","
                + "\"rvi\":\"3\",\"ty\":2,\"pc\":{\"m2m:ae\":{\"rn\":\"mqttae\",\"api\":\"Nmqttae\",\"rr\":true,"
                + "\"poa\":[\"" + brokerUri.replace("tcp", "mqtt") + "\"]}}}");
        assertEquals(2001, next().payload().get("rsc").asInt());
        publish("/oneM2M/req/Cmqttae/id-in/json", "{\"op\":1,\"to\":\"cse-in/mqttae\",\"fr\":\"Cmqttae\","
                + "\"rqi\":\"2\",\"rvi\":\"3\",\"ty\":3,\"pc\":{\"m2m:cnt\":{\"rn\":\"data\"}}}");
        assertEquals(2001, next().payload().get("rsc").asInt());
        publish("/oneM2M/req/Cmqttae/id-in/json", "{\"op\":1,\"to\":\"cse-in/mqttae/data\",\"fr\":\"Cmqttae\","
                + "\"rqi\":\"3\",\"rvi\":\"3\",\"ty\":23,\"pc\":{\"m2m:sub\":{\"rn\":\"sub\",\"nu\":[\"Cmqttae\"],"
                + "\"enc\":{\"net\":[1,3]}}}}");
        assertEquals(2001, next().payload().get("rsc").asInt());
        publish("/oneM2M/req/Cmqttae/id-in/json", "{\"op\":1,\"to\":\"cse-in/mqttae/data\",\"fr\":\"Cmqttae\","
                + "\"rqi\":\"4\",\"rvi\":\"3\",\"ty\":4,\"pc\":{\"m2m:cin\":{\"con\":\"hello-mqtt\"}}}");
        Received notify = null;
        for (int i = 0; i < 2; i++) { // the 2001 and the NOTIFY, in either order
            Received r = next();
            if (r.topic().startsWith("/oneM2M/req/")) {
                notify = r;
            } else {
                assertEquals(2001, r.payload().get("rsc").asInt());
            }
        }
        assertTrue(notify != null, "NOTIFY received");
        assertEquals("/oneM2M/req/id-in/Cmqttae/json", notify.topic());
        assertEquals(5, notify.payload().get("op").asInt());
        assertEquals("Cmqttae", notify.payload().get("to").asText());
        assertEquals("hello-mqtt",
                notify.payload().get("pc").get("m2m:sgn").get("nev").get("rep").get("m2m:cin").get("con").asText());

        // the answer goes back on the resp topic and completes the CSE's pending notification
        String nrqi = notify.payload().get("rqi").asText();
        var answer = front.send(java.net.URI.create("mqtt://127.0.0.1"), org.m2mbridge.core.primitive.RequestPrimitive
                .builder().op(org.m2mbridge.core.primitive.Operation.NOTIFY).to("Cmqttae").fr("/id-in").rqi("n-2")
                .rvi("3").pc(JSON.readTree("{\"m2m:sgn\":{\"vrq\":true}}")).build());
        Received second = next();
        assertEquals("n-2", second.payload().get("rqi").asText());
        publish("/oneM2M/resp/id-in/Cmqttae/json", "{\"rsc\":2000,\"rqi\":\"n-2\",\"rvi\":\"3\",\"fr\":\"Cmqttae\"}");
        assertEquals(2000, answer.get(WAIT_MS, TimeUnit.MILLISECONDS).rsc());
        assertTrue(!nrqi.isEmpty());
    }

    private void publish(String topic, String json) throws Exception {
        MqttMessage m = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        ae.publish(topic, m).waitForCompletion(WAIT_MS);
    }

    private Received next() throws InterruptedException {
        Received r = inbox.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertTrue(r != null, "no MQTT message within " + WAIT_MS + " ms");
        return r;
    }
}
