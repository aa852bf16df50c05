package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.mqtt.EmbeddedBroker;
import org.m2mbridge.mqtt.MqttTestDevice;

/**
 * Issue 10, MQTT devices: an AE that speaks TS-0010 to the bridge through a broker reaches a CSE the bridge talks
 * to over HTTP (TS-0009), and its notification comes back the other way: CSE -HTTP-> bridge -MQTT-> AE, with the
 * AE's answer returned to the CSE. The AE is a plain Paho client; the bridge has no WebSocket listener.
 */
@Timeout(120)
class MqttDeviceToHttpUpstreamTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final DemoCseOverHttp cse = new DemoCseOverHttp(codecs);

    @AfterEach
    void stop() {
        cse.close();
    }

    static Stream<String> brokers() {
        return Stream.of("embedded", "MQTT_URL");
    }

    /** Against the embedded HiveMQ CE always, and the real broker named by {@code MQTT_URL} when set (CI). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void mqttAeRegistersSubscribesAndGetsItsNotificationThroughAnHttpUpstream(String which) throws Exception {
        String external = System.getenv("MQTT_URL");
        if (which.equals("MQTT_URL")) {
            Assumptions.assumeTrue(external != null && !external.isBlank(), "MQTT_URL not set");
        }
        // Unique client IDs and credential so runs against a shared broker never see each other's traffic; there
        // the receiver is unique too (listeners.deviceMqtt.receivers), else the bridge would take the requests
        // other bridges publish to id-in. On the embedded broker it is the default: the upstream's CSE-ID.
        String suffix = Long.toHexString(System.nanoTime());
        try (EmbeddedBroker embedded = which.equals("embedded") ? new EmbeddedBroker() : null) {
            if (embedded != null) {
                run(embedded.url(), suffix, "id-in", "");
            } else {
                run(external, suffix, "id-e2e-" + suffix, "receivers: [/id-e2e-" + suffix + "]");
            }
        }
    }

    private void run(String url, String suffix, String receiver, String receiversKey) throws Exception {
        String cred = "cred-" + suffix;
        try (Bridge bridge = Bridge.start(ConfigLoader.parse("""
                     listeners:
                       http:  { host: 127.0.0.1, port: 0 }
                       admin: { host: 127.0.0.1, port: 0 }
                       deviceMqtt:
                         broker: %s
                         mqtt: { clientId: "C::bridge-devices-%s" }
                         %s
                     upstreams:
                       - name: in-cse
                         binding: http
                         url: http://127.0.0.1:%d
                         cseId: /id-in
                     routes: { default: in-cse }
                     timeouts: { shutdownGrace: 1s }
                     store: { durable: false }
                     """.formatted(url, suffix, receiversKey, cse.port())),
                new PrintStream(new ByteArrayOutputStream()));
             MqttTestDevice ae = new MqttTestDevice(url, "A::e2e-" + suffix,
                     "/oneM2M/reg_resp/" + cred + "/" + receiver + "/+", "/oneM2M/resp/+/" + receiver + "/+",
                     "/oneM2M/req/" + receiver + "/+/+")) {
            URI admin = bridge.listeners().get("admin");
            assertTrue(Await.within(WAIT, () -> ready(admin)), "bridge ready: subscribed at the broker");

            // TS-0010 6.4.4: registration without an AE-ID on reg_req, answered on reg_resp
            ResponsePrimitive registered = exchange(ae, "/oneM2M/reg_req/" + cred + "/" + receiver + "/json",
                    request(1, "cse-in", "C", "e2e-1").put("ty", 2).set("pc", JSON.readTree(
                            "{\"m2m:ae\":{\"rn\":\"mqttae\",\"api\":\"Nmqttae\",\"rr\":true,\"srv\":[\"3\"]}}")));
            assertEquals(2001, registered.rsc(), String.valueOf(registered.pc()));
            String aei = registered.pc().at("/m2m:ae/aei").asText();
            assertTrue(aei.startsWith("C") && aei.length() > 1, aei);
            String req = "/oneM2M/req/" + aei + "/" + receiver + "/json";

            ResponsePrimitive cnt = exchange(ae, req, request(1, "cse-in/mqttae", aei, "e2e-2").put("ty", 3)
                    .set("pc", JSON.readTree("{\"m2m:cnt\":{\"rn\":\"data\"}}")));
            assertEquals(2001, cnt.rsc());
            ResponsePrimitive sub = exchange(ae, req, request(1, "cse-in/mqttae/data", aei, "e2e-3").put("ty", 23)
                    .set("pc", JSON.readTree("{\"m2m:sub\":{\"rn\":\"sub\",\"nu\":[\"" + aei
                            + "\"],\"enc\":{\"net\":[3]}}}")));
            assertEquals(2001, sub.rsc());
            ResponsePrimitive cin = exchange(ae, req, request(1, "cse-in/mqttae/data", aei, "e2e-4").put("ty", 4)
                    .set("pc", JSON.readTree("{\"m2m:cin\":{\"cnf\":\"text/plain:0\",\"con\":\"21.5\"}}")));
            assertEquals(2001, cin.rsc());

            // The CSE notifies the bridge over HTTP; the bridge publishes it on the AE's own request topic.
            MqttTestDevice.Message pushed = ae.await(WAIT,
                    m -> m.topic().equals("/oneM2M/req/" + receiver + "/" + aei + "/json"), "the NOTIFY");
            JsonNode notify = JSON.readTree(pushed.payload());
            assertEquals(5, notify.path("op").asInt());
            assertEquals("21.5", notify.at("/pc/m2m:sgn/nev/rep/m2m:cin/con").asText(), notify.toString());
            ae.publish("/oneM2M/resp/" + receiver + "/" + aei + "/json",
                    "{\"rsc\":2000,\"rqi\":\"" + notify.path("rqi").asText() + "\",\"rvi\":\"3\"}");

            // The CSE's HTTP client records the answer asynchronously: wait for it (bounded).
            assertTrue(Await.within(WAIT,
                    () -> cse.notifyAnswers.stream().anyMatch(n -> n.rsc() == 2000)), cse.notifyAnswers.toString());
        }
    }

    private static ObjectNode request(int op, String to, String fr, String rqi) {
        return JSON.createObjectNode().put("op", op).put("to", to).put("fr", fr).put("rqi", rqi).put("rvi", "3");
    }

    /** Publishes {@code request} on {@code topic} and returns the response with its rqi from the mirrored topic. */
    private ResponsePrimitive exchange(MqttTestDevice device, String topic, JsonNode request) throws Exception {
        String rqi = request.path("rqi").asText();
        String responseTopic = topic.replace("/oneM2M/req/", "/oneM2M/resp/").replace("/oneM2M/reg_req/",
                "/oneM2M/reg_resp/");
        device.publish(topic, JSON.writeValueAsBytes(request));
        MqttTestDevice.Message m = device.await(WAIT, x -> x.topic().equals(responseTopic)
                && codecs.get(Serialization.JSON).decode(x.payload()).response()
                .map(r -> rqi.equals(r.rqi())).orElse(false), "the response to " + rqi);
        return codecs.get(Serialization.JSON).decode(m.payload()).response().orElseThrow();
    }

    private static boolean ready(URI admin) {
        try {
            return AdminClient.get(admin, "/health/ready").statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
