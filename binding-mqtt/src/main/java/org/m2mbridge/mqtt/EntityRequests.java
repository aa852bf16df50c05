package org.m2mbridge.mqtt;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.bus.Origin;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.UpstreamErrorKind;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.mqtt.TopicNames.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests of an upstream CSE for entities registered through the bridge (notifications above all): subscribes
 * {@code /oneM2M/req/+/<entity>/#} per entity, hands each request to the bus and publishes the entity's answer on
 * the mirrored response topic (TS-0010 6.4.2, 6.5.3).
 */
final class EntityRequests {
    private static final Logger LOG = LoggerFactory.getLogger(EntityRequests.class);

    private final String upstream;
    private final String cseId;
    private final MqttTransport transport;
    private final PrimitiveBus bus;
    private final Codecs codecs;
    private final PrimitiveCounter counter;
    private final BridgeMetrics metrics;
    private final Origin origin;
    /** Receiver topic segment -> entity ID. */
    private final Map<String, String> entityReceivers = new ConcurrentHashMap<>();
    private final RecentExchanges received;

    EntityRequests(String upstream, String cseId, MqttTransport transport, PrimitiveBus bus, Codecs codecs,
                   BridgeMetrics metrics, ScheduledExecutorService timer, PrimitiveCounter counter) {
        this.received = new RecentExchanges(4096, timer);
        this.metrics = metrics;
        this.upstream = upstream;
        this.cseId = cseId;
        this.transport = transport;
        this.bus = bus;
        this.codecs = codecs;
        this.counter = counter;
        this.origin = Origin.upstream(PrimitiveCounter.BINDING, upstream);
    }

    /** Subscribes every topic form under which the CSE may address the entity. */
    void subscribe(Registration registration) {
        for (String s : TopicNames.entityReceivers(registration.entityId(), cseId, registration.token())) {
            entityReceivers.put(s, registration.entityId());
            transport.subscribe(TopicNames.requestsTo(s)).whenComplete((v, e) -> {
                if (e != null) {
                    // Not connected now: the transport subscribes it again at the next connect.
                    LOG.debug("subscription for {} deferred: {}", registration.entityId(), e.toString());
                }
            });
        }
    }

    void unsubscribe(Registration registration) {
        for (String s : TopicNames.entityReceivers(registration.entityId(), cseId, registration.token())) {
            if (entityReceivers.remove(s, registration.entityId())) {
                transport.unsubscribe(TopicNames.requestsTo(s));
            }
        }
    }

    void onRequest(Topic topic, Serialization format, DecodeResult decoded) {
        if (decoded instanceof DecodeResult.Failed f) {
            answerLocally(topic, format, null, f.toResponse());
            return;
        }
        Optional<RequestPrimitive> request = decoded.request();
        if (request.isEmpty()) {
            LOG.debug("upstream {}: response on request topic {} ignored", upstream, topic);
            return;
        }
        RequestPrimitive r = request.get();
        String entity = entityReceivers.get(topic.receiver());
        if (entity != null && (r.to() == null || r.to().startsWith("mqtt://") || r.to().startsWith("mqtts://"))) {
            // Mobius addresses a notification to the poa URL itself (fixture mobius/mqtt-05b); the topic names
            // the entity, so route by that.
            r = r.toBuilder().to(entity).build();
        }
        RequestPrimitive routed = r;
        String key = r.rqi() == null ? null : RecentExchanges.key(topic.originator(), r.rqi(), r.op().name(), r.to());
        // The receiver topic names the entity (the next hop) and "to" the target, which may lie below it (a
        // resource of an MN-CSE behind the bridge, TS-0010 6.4.2): route by the topic, keep "to".
        received.once(key, () -> entity != null ? bus.sendVia(entity, routed, origin) : bus.send(routed, origin), () -> {
            LOG.debug("upstream {}: repeated request {} answered from the first exchange", upstream, routed.rqi());
            metrics.mqttRedeliveries.labelValues(upstream).inc();
        }).thenAccept(response -> reply(topic, format, response));
    }

    /** An answer given before the bus (undecodable, overloaded): counted and logged as the bus's exchanges are. */
    void answerLocally(Topic topic, Serialization format, RequestPrimitive request, ResponsePrimitive response) {
        bus.answeredLocally(request, origin, response);
        reply(topic, format, response);
    }

    /** The response to a request received on {@code topic}, mirrored topic and same serialization (TS-0010 6.5.3). */
    private void reply(Topic topic, Serialization format, ResponsePrimitive response) {
        Topic out = topic.responseTopic();
        transport.publish(out.name(), codecs.get(format).encode(response)).whenComplete((v, e) -> {
            if (e != null) {
                counter.error(UpstreamErrorKind.CLOSED);
                LOG.warn("upstream {}: response {} on {} not published: {}", upstream, response.rqi(), out,
                        e.toString());
            }
        });
    }
}
