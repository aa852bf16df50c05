package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.mqtt.TopicNames.Topic;

/** The arrival step alone: topic read, serialization chosen, lane picked, overflow when the lane is full. */
class MqttArrivalTest {
    private final BridgeMetrics metrics = new BridgeMetrics(new PrometheusRegistry());
    private final MessageDispatch dispatch = new MessageDispatch(1, 1);
    private final List<String> decoded = new CopyOnWriteArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final List<String> overflowed = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        dispatch.stop(Duration.ofSeconds(1));
    }

    private MqttArrival arrival(Serialization defaultFormat) {
        return new MqttArrival(new MqttArrival.Route("test", defaultFormat, (format, payload) -> {
            decoded.add(format.token() + ":" + new String(payload));
            return DecodeResult.Failed.badRequest("stub", Optional.empty(), Optional.empty());
        }, Topic::sender, (topic, format, d) -> handled.add(topic.name()),
                (topic, format, d) -> overflowed.add(topic.name())), dispatch, metrics);
    }

    @Test
    void aOneM2mTopicIsDecodedInItsSerializationAndHandedToTheLane() {
        arrival(Serialization.JSON).onMessage("/oneM2M/req/Cae1/id-in/cbor", new byte[] {'a'});
        Await.until(Duration.ofSeconds(5), () -> handled.size() == 1, () -> "handled " + handled);
        assertEquals(List.of("cbor:a"), decoded);
        assertEquals(List.of("/oneM2M/req/Cae1/id-in/cbor"), handled);
    }

    @Test
    void aTopicWithoutFormatLevelIsDecodedInTheDefault() {
        arrival(Serialization.XML).onMessage("/oneM2M/resp/id-in/Cae1", new byte[] {'b'}); // Mobius leaves it out
        Await.until(Duration.ofSeconds(5), () -> handled.size() == 1, () -> "handled " + handled);
        assertEquals(List.of("xml:b"), decoded);
    }

    @Test
    void aTopicOutsideOneM2mIsNeitherDecodedNorHandled() {
        MqttArrival a = arrival(Serialization.JSON);
        a.onMessage("/other/req/Cae1/id-in/json", new byte[] {'c'});
        a.onMessage("/oneM2M/req/Cae1/id-in/json", new byte[] {'d'}); // lanes keep order: handled after the first
        Await.until(Duration.ofSeconds(5), () -> handled.size() == 1, () -> "handled " + handled);
        assertEquals(List.of("json:d"), decoded);
        assertEquals(List.of("/oneM2M/req/Cae1/id-in/json"), handled);
    }

    @Test
    void aFullLaneRefusesAtOnceCountsAndOverflows() {
        AtomicBoolean released = new AtomicBoolean();
        assertTrue(dispatch.offer("any", () -> Await.within(Duration.ofSeconds(10), released::get))); // the worker
        assertTrue(dispatch.offer("any", () -> { }));                  // fills the queue of one
        arrival(Serialization.JSON).onMessage("/oneM2M/req/Cae1/id-in/json", new byte[] {'e'});
        released.set(true);
        assertEquals(List.of("/oneM2M/req/Cae1/id-in/json"), overflowed);
        assertEquals(1.0, metrics.limitRefusals.labelValues("mqtt_dispatch_queue").get());
        assertTrue(handled.isEmpty());
    }
}
