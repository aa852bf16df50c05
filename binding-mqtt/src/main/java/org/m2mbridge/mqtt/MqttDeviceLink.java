package org.m2mbridge.mqtt;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.bus.Correlator;
import org.m2mbridge.core.bus.EntityDirectory;
import org.m2mbridge.core.bus.Link;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.bus.TransportFailure;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.Limit;
import org.m2mbridge.core.primitive.RegistrationContent;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.mqtt.TopicNames.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link to every device that speaks MQTT to the bridge (listeners.deviceMqtt): a request for such a device (a
 * NOTIFY of the CSE) is published on {@code /oneM2M/req/<receiver>/<device>/<fmt>} and its answer, read from
 * {@code /oneM2M/resp/<receiver>/<device>/<fmt>}, is matched by rqi (TS-0010 6.4.2, 6.4.5). {@code receiver} and
 * {@code fmt} are the ones the device itself last used towards the bridge.
 */
final class MqttDeviceLink implements Link {
    private static final Logger LOG = LoggerFactory.getLogger(MqttDeviceLink.class);
    static final String ID = "mqtt-devices";
    private static final String PEER = "the MQTT broker of the devices";

    /** How a device talks to the bridge: the receiver segment it addresses and its serialization. */
    record Route(String receiver, Serialization format) {
    }

    private final MqttTransport transport;
    private final PrimitiveBus bus;
    private final Codecs codecs;
    private final BridgeMetrics metrics;
    private final Correlator correlator;
    private final Route fallback;
    /** Entity ID -> its route; only entities bound to this link (removed when another link takes one over). */
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    MqttDeviceLink(MqttTransport transport, PrimitiveBus bus, Codecs codecs, BridgeMetrics metrics,
                   ScheduledExecutorService timer, int maxPending, Route fallback) {
        this.metrics = metrics;
        this.transport = transport;
        this.bus = bus;
        this.codecs = codecs;
        this.fallback = fallback;
        this.correlator = new Correlator(ID, timer, maxPending, new Correlator.Listener() {
            @Override
            public void timedOut() {
                metrics.requestTimeouts.labelValues(UpstreamErrorCounter.BINDING).inc();
            }

            @Override
            public void lateResponse() {
                metrics.lateResponses.labelValues(UpstreamErrorCounter.BINDING).inc();
            }
        });
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String binding() {
        return UpstreamErrorCounter.BINDING;
    }

    /** Its correlator answers 4008 at the deadline: the bus needs no guard timer (one timer per exchange). */
    @Override
    public boolean completesByDeadline() {
        return true;
    }

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        if (!transport.isConnected()) {
            return CompletableFuture.completedFuture(TransportFailure.CONNECT.answer(request, PEER, "not connected"));
        }
        String entity = bus.findEntity(request.to()).map(Registration::entityId).orElse(request.to());
        Topic topic;
        Route route = routes.getOrDefault(entity, fallback);
        try {
            topic = TopicNames.request(route.receiver(), TopicNames.segment(entity), route.format());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(ResponsePrimitive.error(request, ResponseStatusCode.BAD_REQUEST, e.getMessage(),
                    ResponseFlag.BR));
        }
        Optional<Correlator.Pending> pending = correlator.expect(request, deadline);
        if (pending.isEmpty()) {
            metrics.limitRefused(Limit.MQTT_PENDING);
            return CompletableFuture.completedFuture(ResponsePrimitive.error(request, ResponseStatusCode.TARGET_NOT_REACHABLE,
                    "too many requests outstanding for MQTT devices", ResponseFlag.UO));
        }
        RequestPrimitive wire = pending.get().wireRequest();
        transport.publish(topic.name(), codecs.get(route.format()).encode(wire)).whenComplete((ok, e) -> {
            if (e != null && !pending.get().response().isDone()) {
                // the one outcome table, as for the MQTT upstream
                TransportFailure f = MqttFailures.of(e, !Instant.now().isBefore(deadline));
                if (f == TransportFailure.TIMEOUT) {
                    metrics.requestTimeouts.labelValues(UpstreamErrorCounter.BINDING).inc();
                }
                LOG.debug("publish of {} to {} failed: {}", wire.rqi(), topic, e.toString());
                correlator.complete(f.answer(wire.rqi(), wire.rvi(), wire.fr(), PEER, e.getMessage()));
            }
        });
        return pending.get().response();
    }

    /** A device's answer on {@code /oneM2M/resp/<receiver>/<device>/<fmt>}; on a dispatch lane. */
    void onResponse(Topic topic, DecodeResult decoded) {
        if (decoded instanceof DecodeResult.Failed f) {
            LOG.warn("unreadable response from device on {}: {}", topic, f.reason());
            f.rqi().ifPresent(rqi -> correlator.complete(TransportFailure.PROTOCOL.answer(rqi, f.rvi().orElse(null),
                    null, "the device", "unreadable response")));
            return;
        }
        decoded.response().ifPresentOrElse(correlator::complete,
                () -> LOG.debug("request on response topic {} ignored", topic));
    }

    /**
     * A request from the registered entity {@code entityId} (as the registration gate found it) arrived over
     * {@code route}: remember how to reach it and, when it is not bound here (bridge restart, or it used another
     * binding before), bind it, which delivers what store-and-forward kept for it meanwhile.
     */
    void seen(String entityId, Route route) {
        routes.put(entityId, route);
        bus.reidentify(entityId, this, EntityDirectory.Reidentify.TAKE_OVER);
    }

    /**
     * The registrar answered a registration the device sent over {@code route}: remember the route of the new
     * entity (the bus binds it to this link itself). The ID is {@code aei}/{@code csi} of the created resource.
     */
    void registered(ResponsePrimitive response, Route route) {
        if (response.rsc() != ResponseStatusCode.CREATED.code() || response.pc() == null) {
            return;
        }
        RegistrationContent.of(response.pc()).flatMap(RegistrationContent::entityId)
                .ifPresent(id -> routes.put(id, route));
    }

    /**
     * The link as one "connection" for the status API and {@code m2mbridge_connected_entities}: the entities bound
     * here, and as subprotocol the serializations they use ({@code json}, or e.g. {@code cbor+json} when mixed).
     */
    ConnectionView view(String broker, Instant since) {
        String formats = routes.values().stream().map(r -> r.format().token()).distinct().sorted()
                .reduce((a, b) -> a + "+" + b).orElse(fallback.format().token());
        return new ConnectionView(ID, UpstreamErrorCounter.BINDING, broker, formats, List.copyOf(routes.keySet()), since,
                correlator.outstanding());
    }

    @Override
    public void entityUnbound(String entityId) {
        routes.remove(entityId);
    }

    /** Fails every request still waiting for a device (broker connection lost with a clean session, shutdown). */
    int failAll(String reason) {
        return correlator.failAll(TransportFailure.CLOSED.rsc(), reason);
    }
}
