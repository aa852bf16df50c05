package org.m2mbridge.mqtt;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;

/**
 * A CSE publishing NOTIFYs to entities as a real one would over MQTT (TS-0010): QoS 1, and its own at-least-once
 * on top: a notification is published again until the broker acknowledged it (PUBACK), whether the publish failed
 * while the broker was down or the connection went away before its PUBACK. It reconnects by itself (every
 * 100 ms). A notification published twice keeps its rqi, so the receiver can tell the repeat.
 */
public final class AtLeastOnceNotifier implements AutoCloseable {
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
    /** A publish with neither PUBACK nor failure after this long is published again. */
    private static final Duration STALE = Duration.ofSeconds(10);

    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final String cseTopic;
    private final String cseId;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options = new MqttConnectOptions();
    private final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Long> inFlight = new ConcurrentHashMap<>();
    private final Queue<Integer> again = new ConcurrentLinkedQueue<>();
    private final AtomicInteger publishes = new AtomicInteger();
    private final AtomicInteger connects = new AtomicInteger();

    public AtLeastOnceNotifier(String brokerUrl, String cseId) throws MqttException {
        this.cseId = cseId;
        this.cseTopic = TopicNames.segment(cseId);
        this.client = new MqttAsyncClient(brokerUrl, "C::notifier-" + System.nanoTime(), new MemoryPersistence());
        options.setCleanSession(true);
        options.setMaxInflight(2000);
        options.setConnectionTimeout(2);
    }

    /** The rqi of notification {@code i}. */
    public static String rqi(int i) {
        return "n-" + i;
    }

    /**
     * Publishes notifications 0 .. count-1, the i-th to {@code entities[i % n]}, one every {@code pace}, and
     * returns once the broker acknowledged every one; fails after {@code timeout}.
     */
    public void run(List<String> entities, int count, Duration pace, Duration timeout) throws Exception {
        Queue<Integer> fresh = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            fresh.add(i);
        }
        long end = System.nanoTime() + timeout.toNanos();
        while (acknowledged.size() < count) {
            if (System.nanoTime() > end) {
                throw new AssertionError("notifier: only " + acknowledged.size() + " of " + count
                        + " acknowledged by the broker within " + timeout);
            }
            if (!client.isConnected()) {
                connect();
                continue;
            }
            requeueStale();
            Integer next = again.poll();
            if (next == null) {
                next = fresh.poll();
            }
            if (next == null) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // waiting PUBACKs: poll again soon
                continue;
            }
            publish(next, entities.get(next % entities.size()));
            LockSupport.parkNanos(pace.toNanos()); // pacing, not waiting for anything
        }
    }

    private void connect() {
        try {
            client.connect(options).waitForCompletion(3000);
            connects.incrementAndGet();
        } catch (MqttException e) {
            LockSupport.parkNanos(RETRY_PAUSE.toNanos()); // the broker is away: try again shortly
        }
    }

    private void requeueStale() {
        long now = System.nanoTime();
        inFlight.forEach((i, at) -> {
            if (now - at > STALE.toNanos() && inFlight.remove(i, at)) {
                again.add(i);
            }
        });
    }

    private void publish(int i, String entity) {
        RequestPrimitive notify = RequestPrimitive.builder().op(Operation.NOTIFY).to(entity).fr(cseId).rqi(rqi(i))
                .rvi("3").pc(MqttBindingTest.json("{\"m2m:sgn\":{\"nev\":{\"net\":3,\"rep\":{\"m2m:cin\":{\"con\":\""
                        + i + "\"}}},\"sur\":\"/id-in/sub-restart\"}}"))
                .build();
        String topic = TopicNames.request(cseTopic, TopicNames.segment(entity), Serialization.JSON).name();
        long at = System.nanoTime();
        inFlight.put(i, at);
        publishes.incrementAndGet();
        try {
            client.publish(topic, codecs.get(Serialization.JSON).encode(notify), 1, false, null,
                    new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            inFlight.remove(i, at);
                            acknowledged.add(i);
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable e) {
                            if (inFlight.remove(i, at)) {
                                again.add(i);
                            }
                        }
                    });
        } catch (MqttException e) {
            if (inFlight.remove(i, at)) {
                again.add(i); // not connected (any more), or the in-flight window is full
            }
        }
    }

    /** Notifications the broker acknowledged so far. */
    public int acknowledged() {
        return acknowledged.size();
    }

    /** Publishes so far, repeats included. */
    public int publishes() {
        return publishes.get();
    }

    /** Successful connections so far (1 + reconnects). */
    public int connects() {
        return connects.get();
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
