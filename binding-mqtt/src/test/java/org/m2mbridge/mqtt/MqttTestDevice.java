package org.m2mbridge.mqtt;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.m2mbridge.core.testing.Await;

/**
 * A device (AE) that speaks TS-0010 to the bridge, for tests: a plain Paho client that records every message of
 * its subscriptions and publishes raw payloads at QoS 1. Uses Paho directly, not the bridge's transport.
 */
public final class MqttTestDevice implements AutoCloseable {
    /** A message the device received. */
    public record Message(String topic, byte[] payload) {
        public String text() {
            return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public final List<Message> received = new CopyOnWriteArrayList<>();
    private final MqttAsyncClient client;

    /** Connects as {@code clientId} and subscribes {@code filters} at QoS 1 (waiting at most 10 s each). */
    public MqttTestDevice(String brokerUrl, String clientId, String... filters) throws Exception {
        client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Message(topic, message.getPayload()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        client.connect(o).waitForCompletion(10_000);
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        if (filters.length > 0) {
            client.subscribe(filters, qos).waitForCompletion(10_000);
        }
    }

    public void publish(String topic, byte[] payload) throws Exception {
        client.publish(topic, payload, 1, false).waitForCompletion(10_000);
    }

    public void publish(String topic, String payload) throws Exception {
        publish(topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The first received message that matches, waiting at most {@code timeout}. */
    public Message await(Duration timeout, Predicate<Message> matching, String what) {
        Await.until(timeout, () -> first(matching) != null, () -> what + "; got "
                + received.stream().map(Message::topic).toList());
        return first(matching);
    }

    private Message first(Predicate<Message> matching) {
        return received.stream().filter(matching).findFirst().orElse(null);
    }

    @Override
    public void close() throws Exception {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 200);
            }
        } finally {
            client.close(true);
        }
    }
}
