package org.m2mbridge.mqtt;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.RegistrationAdmission;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.dialect.DialectRepair;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.mqtt.TopicNames.Kind;
import org.m2mbridge.mqtt.TopicNames.Topic;
import org.m2mbridge.mqtt.config.MqttUpstreamSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge as registrar for devices that speak MQTT (TS-0010; {@code listeners.deviceMqtt}): one client session
 * to the devices' broker, subscribed for every receiver R to {@code /oneM2M/req/+/R/#},
 * {@code /oneM2M/reg_req/+/R/#} (requests of devices) and {@code /oneM2M/resp/R/+/#} (their answers to requests the
 * bridge sent them through {@link MqttDeviceLink}). A device request goes on the bus as DOWNSTREAM and its
 * response is published on the mirrored {@code resp}/{@code reg_resp} topic in the request's serialization
 * (TS-0010 6.4.2, 6.4.4, 6.5.3).
 */
final class DeviceBrokerSession {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceBrokerSession.class);
    /** Label value of this session in the metrics. */
    static final String SESSION = "deviceMqtt";

    private final PrimitiveBus bus;
    private final Set<String> receivers;
    private final MqttTransport transport;
    private final MqttDeviceLink link;
    private final Ingress ingress;
    private final RegistrationAdmission admission;
    private final InboundRequests inbound;
    private final DeviceRequests deviceRequests = new DeviceRequests();
    private final SessionHealth health;
    private final boolean cleanSession;
    private final String broker;
    private final DialectRepair dialect;
    private final DialectRepair.Notes dialectNotes;

    /**
     * @param receivers topic-form CSE-IDs the devices address (leading {@code /} already stripped, TS-0010 6.4.2)
     */
    DeviceBrokerSession(String broker, List<String> receivers, MqttUpstreamSettings settings, PrimitiveBus bus,
                      RegistrationAdmission admission, Codecs codecs, BridgeMetrics metrics,
                      ScheduledExecutorService timer, MessageDispatch dispatch, MqttUpstream.TransportFactory transports,
                      DialectRepair dialect) throws Exception {
        if (receivers.isEmpty()) {
            throw new IllegalArgumentException("listeners.deviceMqtt needs receivers (or at least one upstream)");
        }
        this.broker = broker;
        this.dialect = dialect;
        this.dialectNotes = dialect.notes("mqtt-devices"); // one session for every device: noted per listener
        this.bus = bus;
        this.receivers = new LinkedHashSet<>(receivers);
        this.admission = admission;
        this.cleanSession = settings.cleanSession();
        this.health = new SessionHealth(SESSION, metrics, this::connectionLost);
        // One lane per device (the sender of its requests and of its answers): they stay in order (MessageDispatch).
        MqttArrival arrival = new MqttArrival(new MqttArrival.Route("devices", Serialization.JSON,
                (format, payload) -> codecs.get(format).decode(payload), Topic::sender, this::handle,
                (topic, format, decoded) -> { }), dispatch, metrics);
        this.transport = transports.create(arrival::onMessage, health);
        this.link = new MqttDeviceLink(transport, bus, codecs, metrics, timer, settings.maxInflight() * 10,
                new MqttDeviceLink.Route(receivers.get(0), Serialization.JSON));
        this.ingress = Ingress.downstream(link);
        this.inbound = new InboundRequests("devices", SESSION, bus, ingress, metrics, timer,
                new InboundRequests.Replies(transport, codecs, true, () -> { }));
    }

    private void connectionLost(Throwable cause) {
        if (cleanSession) {
            // A clean session loses what devices answer while we are away: fail now, not at the deadline.
            link.failAll("MQTT connection to the devices' broker was lost");
        }
    }

    /** Subscribes the device topics (renewed by the transport on every connect) and starts connecting. */
    void start() {
        for (String r : receivers) {
            transport.subscribe(TopicNames.requestsTo(r));
            transport.subscribe(TopicNames.registrationRequestsTo(r));
            transport.subscribe(TopicNames.responsesFor(r));
        }
        transport.start();
    }

    /** Connected and subscribed: devices can reach the bridge (readiness). */
    boolean isConnected() {
        return health.isSubscribed() && transport.isConnected();
    }

    void stop(Duration grace) {
        int failed = link.failAll("bridge is shutting down");
        if (failed > 0) {
            LOG.info("{} requests for MQTT devices failed at shutdown", failed);
        }
        transport.close(grace.compareTo(Duration.ofSeconds(2)) < 0 ? grace : Duration.ofSeconds(2));
    }

    private void handle(Topic topic, Serialization format, DecodeResult decoded) {
        switch (topic.kind()) {
            case REQ, REG_REQ -> inbound.onRequest(topic, format, decoded, deviceRequests);
            case RESP -> link.onResponse(topic, decoded);
            default -> LOG.debug("devices: ignoring {}", topic);
        }
    }

    /** A device's request: repaired, checked at the registration gate and sent on the bus as DOWNSTREAM. */
    private final class DeviceRequests implements InboundRequests.Handling {
        @Override
        public RequestPrimitive prepare(Topic topic, RequestPrimitive request) {
            return dialect.repair(request, dialectNotes); // listeners.deviceMqtt.dialect
        }

        @Override
        public Optional<ResponsePrimitive> refusal(Topic topic, RequestPrimitive r) {
            if (topic.kind() == Kind.REG_REQ && !r.isRegistration()) {
                // TS-0010 6.4.4: reg_req only carries the registration of an AE or CSE without an ID yet (as ACME).
                return Optional.of(ResponsePrimitive.error(r, ResponseStatusCode.BAD_REQUEST,
                        "only CREATE <AE> or <remoteCSE> may be sent on reg_req"));
            }
            return Optional.empty();
        }

        @Override
        public CompletableFuture<ResponsePrimitive> exchange(Topic topic, Serialization format, RequestPrimitive r) {
            MqttDeviceLink.Route route = new MqttDeviceLink.Route(topic.receiver(), format);
            // The registration gate, the same rule as on a WebSocket (TS-0020 7.4; RegistrationAdmission).
            RegistrationAdmission.Decision admitted = admission.decide(r);
            if (admitted.refused()) {
                ResponsePrimitive refusal = admission.refused(r, admitted,
                        "deviceMqtt " + broker + " topic " + topic.name());
                bus.answeredLocally(r, ingress, refusal);
                return CompletableFuture.completedFuture(refusal);
            }
            admitted.entity().ifPresent(entity -> link.seen(entity.entityId(), route));
            return bus.send(r, ingress).thenApply(response -> {
                if (r.isRegistration()) {
                    link.registered(response, route);
                }
                return response;
            });
        }
    }

    /** The device session as a connection (status API), while connected. */
    Optional<ConnectionView> view() {
        Instant since = health.connectedSince();
        return isConnected() && since != null ? Optional.of(link.view(broker, since)) : Optional.empty();
    }

    /** The link requests for MQTT devices go through (for tests and the status API). */
    MqttDeviceLink link() {
        return link;
    }
}
