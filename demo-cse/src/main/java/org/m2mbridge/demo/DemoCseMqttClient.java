package org.m2mbridge.demo;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT front end of the {@link DemoCse} (TEST/DEMO peer, not a product feature), the receiver side of TS-0010
 * (TS-0010 6.4-6.5; docs/spec/mqtt.md) over a Paho mqttv3 {@link MqttAsyncClient}: subscribes {@code
 * /oneM2M/req/+/id-in/#} and
 * {@code /oneM2M/reg_req/+/id-in/#}, answers on the matching {@code resp}/{@code reg_resp} topic with the
 * originator and receiver segments copied verbatim (what ACME and Mobius do), in the serialization of the topic's
 * type segment. It is also the {@code mqtt} {@link NotificationTransport}: a NOTIFY to an AE goes to
 * {@code /oneM2M/req/id-in/<AE-ID>/json} on this same broker and its answer arrives on
 * {@code /oneM2M/resp/id-in/+/#}. Self-contained on purpose: it never uses the bridge's MQTT binding.
 *
 * <p>Paho's callback thread is never blocked (docs/libraries.md PAHO-2): decoding is cheap and every answer is
 * published
 * asynchronously when the CSE's future completes.
 */
public final class DemoCseMqttClient implements NotificationTransport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCseMqttClient.class);
    private static final int QOS = 1; // TS-0010 5.1
    private static final int MAX_PENDING_NOTIFICATIONS = 1024;

    private final DemoCse cse;
    private final Codecs codecs;
    private final MqttAsyncClient client;
    private final String cseTopicId;
    private final Duration timeout;
    private final Map<String, CompletableFuture<ResponsePrimitive>> pending = new ConcurrentHashMap<>();

    private DemoCseMqttClient(DemoCse cse, Codecs codecs, MqttAsyncClient client) {
        this.cse = cse;
        this.codecs = codecs;
        this.client = client;
        this.cseTopicId = topicId(cse.settings().cseId());
        this.timeout = cse.settings().notificationTimeout();
    }

    /**
     * Connects to {@code brokerUri} ({@code tcp://127.0.0.1:1883}), subscribes, and registers itself as the CSE's
     * {@code mqtt} notification transport. Waits at most {@code connectTimeout} for connect and subscribe.
     */
    public static DemoCseMqttClient start(DemoCse cse, Codecs codecs, String brokerUri, Duration connectTimeout)
            throws MqttException {
        MqttAsyncClient paho = new MqttAsyncClient(brokerUri, "demo-cse-" + Long.toHexString(System.nanoTime()),
                new MemoryPersistence());
        DemoCseMqttClient self = new DemoCseMqttClient(cse, codecs, paho);
        paho.setCallback(self.new Callback());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setMaxInflight(256); // Paho's default of 10 fails bursts with 32202 (docs/libraries.md PAHO-1)
        options.setConnectionTimeout((int) Math.max(1, connectTimeout.toSeconds()));
        paho.connect(options).waitForCompletion(connectTimeout.toMillis());
        self.subscribe().waitForCompletion(connectTimeout.toMillis());
        cse.registerTransport("mqtt", self);
        LOG.info("demo-cse: MQTT on {} as {}", brokerUri, self.cseTopicId);
        return self;
    }

    private org.eclipse.paho.client.mqttv3.IMqttToken subscribe() throws MqttException {
        String[] filters = {"/oneM2M/req/+/" + cseTopicId + "/#", "/oneM2M/reg_req/+/" + cseTopicId + "/#",
                "/oneM2M/resp/" + cseTopicId + "/+/#"};
        return client.subscribe(filters, new int[] {QOS, QOS, QOS});
    }

    @Override
    public CompletableFuture<ResponsePrimitive> send(URI pointOfAccess, RequestPrimitive notify) {
        if (pending.size() >= MAX_PENDING_NOTIFICATIONS) {
            return CompletableFuture.failedFuture(new IllegalStateException("too many pending MQTT notifications"));
        }
        // TS-0010 6.4: a path in the poa prefixes every topic.
        String path = pointOfAccess.getPath();
        String prefix = path == null || path.length() <= 1 ? "" : path.substring(1).replaceAll("/+$", "");
        String topic = prefix + "/oneM2M/req/" + cseTopicId + "/" + topicId(notify.to()) + "/"
                + Serialization.JSON.token();
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        pending.put(notify.rqi(), answer);
        answer.whenComplete((r, e) -> pending.remove(notify.rqi(), answer));
        if (!publish(topic, codecs.get(Serialization.JSON).encode(notify))) {
            answer.completeExceptionally(new IllegalStateException("MQTT publish failed on " + topic));
        }
        return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** TS-0010 6.3: topic form of an ID: leading {@code /} dropped, the others become {@code :}. */
    static String topicId(String id) {
        String s = id;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        return s.replace('/', ':');
    }

    private boolean publish(String topic, byte[] payload) {
        try {
            MqttMessage m = new MqttMessage(payload);
            m.setQos(QOS);
            m.setRetained(false);
            client.publish(topic, m);
            return true;
        } catch (MqttException e) {
            LOG.info("demo-cse: MQTT publish on {} failed: {}", topic, e.toString());
            return false;
        }
    }

    /** One arrived message: a request (req / reg_req) to answer, or the answer to one of our notifications. */
    private void arrived(String topic, byte[] payload) {
        String[] seg = topic.split("/", -1);
        // ["", "oneM2M", kind, originator, receiver, type]; reg_req may come without the type level
        if (seg.length < 5 || !seg[1].equals("oneM2M")) {
            return;
        }
        Optional<Serialization> serialization = seg.length > 5 ? Serialization.fromToken(seg[5])
                : Optional.of(Serialization.JSON);
        if (serialization.isEmpty()) {
            LOG.info("demo-cse: ignoring MQTT message with unknown serialization on {}", topic);
            return;
        }
        PrimitiveCodec codec = codecs.get(serialization.get());
        DecodeResult decoded = codec.decode(payload);
        String kind = seg[2];
        if (kind.equals("resp")) {
            decoded.response().ifPresent(r -> {
                CompletableFuture<ResponsePrimitive> f = r.rqi() == null ? null : pending.get(r.rqi());
                if (f != null) {
                    f.complete(r);
                }
            });
            return;
        }
        if (!kind.equals("req") && !kind.equals("reg_req")) {
            return;
        }
        seg[2] = kind.equals("req") ? "resp" : "reg_resp";
        String responseTopic = String.join("/", seg);
        if (decoded instanceof DecodeResult.Failed f) {
            publish(responseTopic, codec.encode(f.toResponse().toBuilder().fr(cse.settings().cseId()).build()));
            return;
        }
        Primitive p = ((DecodeResult.Decoded) decoded).primitive();
        if (p instanceof RequestPrimitive request) {
            cse.handle(request).thenAccept(rsp -> publish(responseTopic, codec.encode(rsp)));
        }
    }

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (reconnect) {
                // a clean session forgets subscriptions; Paho does not resubscribe (docs/libraries.md PAHO-3)
                try {
                    subscribe();
                } catch (MqttException e) {
                    LOG.warn("demo-cse: MQTT resubscribe failed", e);
                }
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            LOG.info("demo-cse: MQTT connection lost: {}", String.valueOf(cause));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                arrived(topic, message.getPayload());
            } catch (RuntimeException e) {
                LOG.warn("demo-cse: MQTT message on {} failed", topic, e);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // QoS 1 acknowledgements need no action
        }
    }

    @Override
    public void close() {
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("demo CSE MQTT closed")));
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.debug("demo-cse: MQTT disconnect", e);
        }
        try {
            client.close();
        } catch (MqttException e) {
            LOG.debug("demo-cse: MQTT close", e);
        }
    }
}
