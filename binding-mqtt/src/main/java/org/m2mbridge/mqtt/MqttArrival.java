package org.m2mbridge.mqtt;

import java.util.Optional;
import java.util.function.Function;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.Limit;
import org.m2mbridge.mqtt.TopicNames.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step every message from a broker takes on the MQTT client's single callback thread, which must never wait
 * (docs/libraries.md PAHO-2): read the topic ({@code /oneM2M/<kind>/<originator>/<receiver>/<serialization>},
 * TS-0010 6.4, through {@link TopicNames}), decode the payload in the topic's serialization (CPU only) and hand it
 * to the bounded lane of one party ({@link MessageDispatch}), so that what MQTT delivers in order per topic is
 * handled in order. A full lane refuses at once: the message is counted, logged and given to the overflow.
 */
final class MqttArrival {
    private static final Logger LOG = LoggerFactory.getLogger(MqttArrival.class);

    /** Decodes a payload in a serialization; CPU only. */
    @FunctionalInterface
    interface Decoder {
        DecodeResult decode(Serialization format, byte[] payload);
    }

    /** What is done with a decoded message: on a dispatch lane, or on the callback thread for the overflow. */
    @FunctionalInterface
    interface Handler {
        void handle(Topic topic, Serialization format, DecodeResult decoded);
    }

    /**
     * @param session       who receives, for the log lines ({@code upstream <name>}, {@code devices})
     * @param defaultFormat the serialization of a topic without a (known) format level
     * @param lane          the party whose lane a message goes to, e.g. {@link Topic#sender()}
     * @param handler       runs on that lane
     * @param overflow      runs on the callback thread when that lane is full; must not wait
     */
    record Route(String session, Serialization defaultFormat, Decoder decoder, Function<Topic, String> lane,
                 Handler handler, Handler overflow) {
    }

    private final Route route;
    private final MessageDispatch dispatch;
    private final BridgeMetrics metrics;

    MqttArrival(Route route, MessageDispatch dispatch, BridgeMetrics metrics) {
        this.route = route;
        this.dispatch = dispatch;
        this.metrics = metrics;
    }

    /** An {@link MqttTransport.MessageHandler}: on the MQTT client's callback thread. */
    void onMessage(String topicName, byte[] payload) {
        Optional<Topic> parsed = TopicNames.parse(topicName);
        if (parsed.isEmpty()) {
            LOG.debug("{}: ignoring message on non-oneM2M topic {}", route.session(), topicName);
            return;
        }
        Topic topic = parsed.get();
        Serialization format = topic.format().orElse(route.defaultFormat());
        DecodeResult decoded = route.decoder().decode(format, payload);
        if (!dispatch.offer(route.lane().apply(topic), () -> route.handler().handle(topic, format, decoded))) {
            metrics.limitRefused(Limit.MQTT_DISPATCH_QUEUE);
            LOG.warn("{}: dispatch queue full, dropped message on {}", route.session(), topicName);
            route.overflow().handle(topic, format, decoded);
        }
    }
}
