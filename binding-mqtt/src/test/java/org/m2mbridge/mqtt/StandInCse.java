package org.m2mbridge.mqtt;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.ScriptedUpstream;

/**
 * A minimal MQTT-speaking CSE for tests, shaped after ACME (fixtures acme/mqtt-*): subscribes
 * {@code /oneM2M/req/+/<csi>/#} and {@code /oneM2M/reg_req/+/<csi>/#}, answers on the mirrored response topic in
 * the request's serialization, and can publish a NOTIFY to an AE. Uses Paho directly, not the bridge's transport.
 * Public for the end-to-end tests of distribution.
 */
public final class StandInCse implements AutoCloseable {
    record Received(String topic, byte[] payload, Primitive primitive) {
    }

    final List<Received> requests = new CopyOnWriteArrayList<>();
    final List<Received> responses = new CopyOnWriteArrayList<>();
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final String csi;
    private final MqttAsyncClient client;
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    volatile Function<RequestPrimitive, ResponsePrimitive> answer = ScriptedUpstream::acmeLike;
    /** Mobius publishes every response twice (docs/spec/peers.md PEER-C-2). */
    volatile boolean answerTwice;
    volatile boolean silent;

    public StandInCse(String brokerUrl, String csi) throws Exception {
        this.csi = csi;
        client = new MqttAsyncClient(brokerUrl, "C::standin-" + System.nanoTime(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                byte[] payload = message.getPayload();
                worker.execute(() -> handle(topic, payload));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(20000);
        client.connect(o).waitForCompletion(10_000);
        String s = TopicNames.segment(csi);
        client.subscribe(new String[] {TopicNames.requestsTo(s), TopicNames.registrationRequestsTo(s),
                "/oneM2M/resp/" + s + "/+/#"}, new int[] {1, 1, 1}).waitForCompletion(10_000);
    }

    private void handle(String topicName, byte[] payload) {
        TopicNames.Topic topic = TopicNames.parse(topicName).orElseThrow();
        Serialization format = topic.format().orElse(Serialization.JSON);
        Primitive p = codecs.get(format).decode(payload).response().map(r -> (Primitive) r)
                .or(() -> codecs.get(format).decode(payload).request().map(r -> (Primitive) r)).orElse(null);
        Received r = new Received(topicName, payload, p);
        if (topic.kind() == TopicNames.Kind.RESP) {
            responses.add(r);
            return;
        }
        requests.add(r);
        if (silent || !(p instanceof RequestPrimitive request)) {
            return;
        }
        ResponsePrimitive response = answer.apply(request);
        byte[] bytes = codecs.get(format).encode(response);
        publish(topic.responseTopic().name(), bytes);
        if (answerTwice) {
            publish(topic.responseTopic().name().replaceAll("/(json|xml|cbor)$", ""), bytes);
        }
    }

    /** Publishes a request (a NOTIFY) to the entity whose topic form is {@code receiver}, as JSON. */
    public void send(String receiver, RequestPrimitive request) {
        publish(TopicNames.request(TopicNames.segment(csi), receiver, Serialization.JSON).name(),
                codecs.get(Serialization.JSON).encode(request));
    }

    private void publish(String topic, byte[] bytes) {
        try {
            client.publish(topic, bytes, 1, false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        worker.shutdownNow();
        worker.awaitTermination(2, TimeUnit.SECONDS);
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 200);
            }
        } finally {
            client.close(true);
        }
    }
}
