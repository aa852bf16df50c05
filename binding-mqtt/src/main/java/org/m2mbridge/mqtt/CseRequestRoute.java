package org.m2mbridge.mqtt;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
final class CseRequestRoute implements InboundRequests.Handling {
    private static final Logger LOG = LoggerFactory.getLogger(CseRequestRoute.class);

    private final String cseId;
    private final MqttTransport transport;
    private final PrimitiveBus bus;
    private final Origin origin;
    /** Receiver topic segment -> entity ID. */
    private final Map<String, String> entityReceivers = new ConcurrentHashMap<>();
    private final InboundRequests inbound;

    CseRequestRoute(String upstream, String cseId, MqttTransport transport, PrimitiveBus bus, Codecs codecs,
                   BridgeMetrics metrics, ScheduledExecutorService timer, UpstreamErrorCounter counter) {
        this.cseId = cseId;
        this.transport = transport;
        this.bus = bus;
        this.origin = Origin.upstream(UpstreamErrorCounter.BINDING, upstream);
        this.inbound = new InboundRequests("upstream " + upstream, upstream, bus, origin, metrics, timer,
                new InboundRequests.Replies(transport, codecs, false, () -> counter.error(UpstreamErrorKind.CLOSED)));
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
        inbound.onRequest(topic, format, decoded, this);
    }

    @Override
    public RequestPrimitive prepare(Topic topic, RequestPrimitive r) {
        String entity = entityReceivers.get(topic.receiver());
        if (entity != null && (r.to() == null || r.to().startsWith("mqtt://") || r.to().startsWith("mqtts://"))) {
            // Mobius addresses a notification to the poa URL itself (fixture mobius/mqtt-05b); the topic names
            // the entity, so route by that.
            return r.toBuilder().to(entity).build();
        }
        return r;
    }

    @Override
    public CompletableFuture<ResponsePrimitive> exchange(Topic topic, Serialization format, RequestPrimitive request) {
        String entity = entityReceivers.get(topic.receiver());
        // The receiver topic names the entity (the next hop) and "to" the target, which may lie below it (a
        // resource of an MN-CSE behind the bridge, TS-0010 6.4.2): route by the topic, keep "to".
        return entity != null ? bus.sendVia(entity, request, origin) : bus.send(request, origin);
    }

    /** An answer given before the bus (undecodable, overloaded): counted and logged as the bus's exchanges are. */
    void answerLocally(Topic topic, Serialization format, RequestPrimitive request, ResponsePrimitive response) {
        inbound.answerLocally(topic, format, request, response);
    }
}
