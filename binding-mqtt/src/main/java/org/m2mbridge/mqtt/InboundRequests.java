package org.m2mbridge.mqtt;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.mqtt.TopicNames.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path of a request that arrives on a request topic, whoever sent it (devices on {@code listeners.deviceMqtt},
 * an upstream CSE for an entity behind the bridge): an undecodable one is answered at once, a response on a request
 * topic is ignored, the sender's {@link Handling} may refuse it, a QoS 1 redelivery is answered with the first
 * exchange's response, and every answer is published on the mirrored response topic in the request's serialization
 * (TS-0010 6.4.2, 6.5.3).
 */
final class InboundRequests {
    private static final Logger LOG = LoggerFactory.getLogger(InboundRequests.class);

    /** What differs between the senders. */
    interface Handling {
        /** The request as this path forwards it. */
        default RequestPrimitive prepare(Topic topic, RequestPrimitive request) {
            return request;
        }

        /** A local answer refusing the request before the redelivery check, or empty to go on. */
        default Optional<ResponsePrimitive> refusal(Topic topic, RequestPrimitive request) {
            return Optional.empty();
        }

        /** Hands the first copy of a request on; completes with its response. */
        CompletableFuture<ResponsePrimitive> exchange(Topic topic, Serialization format, RequestPrimitive request);
    }

    /**
     * Where answers go and what a failed publish does.
     *
     * @param formatAlways write the format level even when the request topic had none (device answers do)
     */
    record Replies(MqttTransport transport, Codecs codecs, boolean formatAlways, Runnable onPublishFailure) {
    }

    private final String label;
    private final String session;
    private final PrimitiveBus bus;
    private final Ingress ingress;
    private final BridgeMetrics metrics;
    private final Replies replies;
    private final RecentExchanges received;

    /**
     * @param label   how logs name the sender ({@code devices}, {@code upstream <name>})
     * @param session the session's label value in {@code mqttRedeliveries}
     */
    InboundRequests(String label, String session, PrimitiveBus bus, Ingress ingress, BridgeMetrics metrics,
                    ScheduledExecutorService timer, Replies replies) {
        this.label = label;
        this.session = session;
        this.bus = bus;
        this.ingress = ingress;
        this.metrics = metrics;
        this.replies = replies;
        this.received = new RecentExchanges(4096, timer);
    }

    void onRequest(Topic topic, Serialization format, DecodeResult decoded, Handling handling) {
        if (decoded instanceof DecodeResult.Failed f) {
            answerLocally(topic, format, null, f.toResponse());
            return;
        }
        Optional<RequestPrimitive> request = decoded.request();
        if (request.isEmpty()) {
            LOG.debug("{}: response on request topic {} ignored", label, topic);
            return;
        }
        RequestPrimitive r = handling.prepare(topic, request.get());
        Optional<ResponsePrimitive> refusal = handling.refusal(topic, r);
        if (refusal.isPresent()) {
            answerLocally(topic, format, r, refusal.get());
            return;
        }
        String key = r.rqi() == null ? null : RecentExchanges.key(topic.originator(), r.rqi(), r.op().name(), r.to());
        received.once(key, () -> handling.exchange(topic, format, r), () -> {
            // A QoS 1 redelivery (DUP): answered with the first exchange's response (docs/reliability.md, MQTT).
            LOG.debug("{}: repeated request {} answered from the first exchange", label, r.rqi());
            metrics.mqttRedeliveries.labelValues(session).inc();
        }).thenAccept(response -> reply(topic, format, response));
    }

    /** An answer given before the bus (undecodable, refused, overloaded): counted and logged as the bus's are. */
    void answerLocally(Topic topic, Serialization format, RequestPrimitive request, ResponsePrimitive response) {
        bus.answeredLocally(request, ingress, response);
        reply(topic, format, response);
    }

    /** The response on the mirrored topic ({@code resp} or {@code reg_resp}), same serialization (TS-0010 6.5.3). */
    private void reply(Topic topic, Serialization format, ResponsePrimitive response) {
        Topic out = replies.formatAlways() ? topic.responseTopic().withFormat(format) : topic.responseTopic();
        replies.transport().publish(out.name(), replies.codecs().get(format).encode(response)).whenComplete((v, e) -> {
            if (e != null) {
                replies.onPublishFailure().run();
                LOG.warn("{}: response {} on {} not published: {}", label, response.rqi(), out, e.toString());
            }
        });
    }
}
