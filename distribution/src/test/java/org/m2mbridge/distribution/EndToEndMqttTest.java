package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.demo.DemoAe;
import org.m2mbridge.demo.DemoAeResult;
import org.m2mbridge.demo.DemoCse;
import org.m2mbridge.demo.DemoCseMqttClient;
import org.m2mbridge.mqtt.EmbeddedBroker;

/**
 * TS-0010 end to end: a WebSocket device registers, creates a container and a subscription and gets the
 * notification on its own socket, while the bridge reaches the (demo) CSE ONLY through an MQTT broker: the
 * embedded HiveMQ CE always, and the real broker named by {@code MQTT_URL} when set (Mosquitto on CI machines).
 */
@Timeout(120)
class EndToEndMqttTest {

    static Stream<String> brokers() {
        return Stream.of("embedded", "MQTT_URL");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void deviceOnWebSocketReachesAnMqttOnlyCseAndIsNotifiedOnItsOwnSocket(String which) throws Exception {
        String external = System.getenv("MQTT_URL");
        if (which.equals("MQTT_URL")) {
            Assumptions.assumeTrue(external != null && !external.isBlank(), "MQTT_URL not set");
        }
        try (EmbeddedBroker embedded = which.equals("embedded") ? new EmbeddedBroker() : null) {
            String broker = embedded != null ? embedded.url() : external;
            // Unique client IDs and AE-ID so runs against a shared broker never see each other's traffic.
            String suffix = Long.toHexString(System.nanoTime());
            DemoCse cse = new DemoCse();
            try (DemoCseMqttClient cseMqtt = DemoCseMqttClient.start(cse, new Codecs(CodecLimits.DEFAULT), broker,
                    Duration.ofSeconds(10));
                 Bridge bridge = Bridge.start(ConfigLoader.parse("""
                         listeners:
                           ws:    { host: 127.0.0.1, port: 0 }
                           admin: { host: 127.0.0.1, port: 0 }
                         upstreams:
                           - name: in-cse
                             binding: mqtt
                             broker: %s
                             cseId: /id-in
                             serialization: json
                             mqtt: { clientId: "C::bridge-e2e-%s" }
                         routes: { default: in-cse }
                         timeouts: { shutdownGrace: 1s }
                         store: { durable: false }
                         """.formatted(broker, suffix)), new PrintStream(new ByteArrayOutputStream()))) {
                java.net.URI admin = bridge.listeners().get("admin");
                assertTrue(Await.within(Duration.ofSeconds(15), () -> ready(admin)),
                        "bridge ready: connected to the broker");

                DemoAe.Options options = DemoAe.Options.defaults().withOriginator("Cmqtt-e2e-" + suffix);
                DemoAeResult r = new DemoAe(options, line -> { }).run(bridge.listeners().get("ws"));

                assertTrue(r.success(), r.toString());
                assertEquals(2001, r.rscOf("CREATE <AE>"));
                assertEquals("21.5", r.notification().orElseThrow().at("/nev/rep/m2m:cin/con").asText());
            } finally {
                cse.close();
            }
        }
    }

    static boolean ready(java.net.URI admin) {
        return AdminClient.upstreamUp(admin, "in-cse"); // the upstream connected and subscribed
    }
}
