package org.m2mbridge.mqtt;

import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The brokers broker-facing tests run against: the embedded HiveMQ CE always, and a real broker (CI: Mosquitto)
 * when {@code MQTT_URL} is set; that variant reports as skipped otherwise.
 */
final class Brokers {
    static final String EMBEDDED = "hivemq-embedded";
    static final String EXTERNAL = "MQTT_URL";

    private Brokers() {
    }

    static Stream<String> names() {
        return Stream.of(EMBEDDED, EXTERNAL);
    }

    static String url(String name, EmbeddedBroker embedded) {
        if (name.equals(EMBEDDED)) {
            return embedded.url();
        }
        String url = System.getenv("MQTT_URL");
        Assumptions.assumeTrue(url != null && !url.isBlank(), "MQTT_URL not set");
        return url;
    }
}
