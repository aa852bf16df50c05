package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.m2mbridge.mqtt.NoDelaySocketFactory;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * Benchmark (d): a minimal upstream CSE over MQTT (TS-0010) that answers each request from Paho's callback thread
 * with the fixed answer of {@link FixedAnswers}, on the response topic that mirrors the request topic
 * ({@code /oneM2M/req/<orig>/<cse>/json} -> {@code /oneM2M/resp/<orig>/<cse>/json}, TS-0010 6.4; {@code reg_req}
 * -> {@code reg_resp}). JSON only.
 */
public final class MqttUpstreamStub implements AutoCloseable {
    private final MqttAsyncClient client;
    private final PrimitiveCodec codec = new Codecs(CodecLimits.DEFAULT).get(Serialization.JSON);
    private final LongAdder answered = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    private MqttUpstreamStub(String broker, String cse) throws MqttException {
        client = new MqttAsyncClient(broker, "bench-stub-" + ProcessHandle.current().pid(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(65535);
        o.setAutomaticReconnect(false);
        // as the bridge does: without TCP_NODELAY the answer, written right after the PUBACK, waits for the
        // broker's delayed ACK (~40 ms per exchange)
        o.setSocketFactory(NoDelaySocketFactory.plain());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                System.err.println("mqtt stub: connection lost: " + cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                answer(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(o).waitForCompletion(10_000);
        String[] filters = {"/oneM2M/req/+/" + cse + "/+", "/oneM2M/reg_req/+/" + cse + "/+"};
        client.subscribe(filters, new int[] {1, 1}).waitForCompletion(10_000);
    }

    public static MqttUpstreamStub start(String broker, String cseIdWithoutSlash) throws MqttException {
        return new MqttUpstreamStub(broker, cseIdWithoutSlash);
    }

    private void answer(String topic, byte[] payload) {
        RequestPrimitive q = codec.decode(payload).request().orElse(null);
        if (q == null) {
            dropped.increment();
            return;
        }
        boolean discovery = q.fc() != null && q.fc().filterUsage().orElse(0) == 1;
        FixedAnswers a = FixedAnswers.of(q.op().code(), q.ty(), discovery, q.fr() == null ? "Canonymous" : q.fr());
        JsonNode pc = null;
        try {
            pc = a.content() == null ? null : LoadTool.JSON.readTree(a.content());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("fixed answers are valid JSON", e);
        }
        byte[] response = codec.encode(ResponsePrimitive.builder(a.rsc(), q.rqi()).rvi(q.rvi()).to(q.fr())
                .fr("/id-in").pc(pc).build());
        String responseTopic = topic.replaceFirst("^/oneM2M/req/", "/oneM2M/resp/")
                .replaceFirst("^/oneM2M/reg_req/", "/oneM2M/reg_resp/");
        try {
            client.publish(responseTopic, response, 0, false);
            answered.increment();
        } catch (MqttException e) {
            dropped.increment();
        }
    }

    @Override
    public void close() throws MqttException {
        client.disconnectForcibly(1000, 1000);
        client.close();
    }

    /** {@code MqttUpstreamStub [--broker tcp://127.0.0.1:1883] [--cse id-in]}: runs until killed. */
    public static void main(String[] args) throws Exception {
        String broker = "tcp://127.0.0.1:1883";
        String cse = "id-in";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--broker" -> broker = args[i + 1];
                case "--cse" -> cse = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (MqttUpstreamStub stub = start(broker, cse)) {
            System.out.println("mqtt stub ready on " + broker + " for /oneM2M/req/+/" + cse + "/+");
            new CountDownLatch(1).await();
        }
    }
}
