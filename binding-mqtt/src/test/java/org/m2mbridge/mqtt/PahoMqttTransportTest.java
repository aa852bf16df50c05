package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.testing.Await;

/** The transport itself against the embedded broker: what Paho's in-flight window means for a burst. */
@Timeout(60)
class PahoMqttTransportTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        timer.shutdownNow();
    }

    private PahoMqttTransport transport(String broker, String clientId, int maxInflight,
                                        MqttTransport.MessageHandler handler) throws Exception {
        PahoMqttTransport t = new PahoMqttTransport(new PahoMqttTransport.Options(broker, clientId, null, null,
                maxInflight, Duration.ofSeconds(60), true, Duration.ofSeconds(5), Duration.ofSeconds(1), null, null,
                null, null, null, Duration.ofMillis(250)), timer, handler, new MqttTransport.ConnectionListener() { });
        closing.add(t);
        t.start().get(10, TimeUnit.SECONDS);
        return t;
    }

    @Test
    void aBurstBeyondTheInflightWindowWaitsForSlotsInsteadOfFailingAndKeepsItsOrder() throws Exception {
        EmbeddedBroker broker = new EmbeddedBroker();
        closing.add(broker);
        List<String> received = new CopyOnWriteArrayList<>();
        PahoMqttTransport subscriber = transport(broker.url(), "sub", 100,
                (topic, payload) -> received.add(new String(payload, StandardCharsets.UTF_8)));
        subscriber.subscribe("/burst/#").get(10, TimeUnit.SECONDS);
        // a window of 2: Paho alone would refuse the third publish until a PUBACK came back (32202)
        PahoMqttTransport publisher = transport(broker.url(), "pub", 2, (topic, payload) -> { });
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(publisher.publish("/burst/x", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), () -> received.size() == 200, "all 200 at the subscriber");
        for (int i = 0; i < 200; i++) {
            assertEquals(Integer.toString(i), received.get(i), "in publish order");
        }
    }
}
