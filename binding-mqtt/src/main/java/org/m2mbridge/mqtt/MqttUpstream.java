package org.m2mbridge.mqtt;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.bus.ConfiguredUpstream;
import org.m2mbridge.core.bus.Correlator;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.bus.TransportFailure;
import org.m2mbridge.core.bus.UpstreamHealth;
import org.m2mbridge.core.bus.UpstreamState;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.mqtt.config.MqttConfiguration;
import org.m2mbridge.mqtt.config.MqttUpstreamSettings;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.Limit;
import org.m2mbridge.core.metrics.UpstreamErrorKind;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.m2mbridge.mqtt.TopicNames.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream CSE reached over MQTT (TS-0010): one client session to its broker. Requests from devices are
 * published on {@code /oneM2M/req/<originator>/<cse>/<fmt>} (or {@code reg_req} for a registration without an ID)
 * and their responses matched by {@code rqi} from {@code /oneM2M/resp/+/<cse>/#}; requests of the CSE for entities
 * registered through the bridge arrive on {@code /oneM2M/req/+/<entity>/#} and go to the bus, and their responses
 * are published back on the mirrored response topic.
 */
public final class MqttUpstream extends ConfiguredUpstream {
    private static final Logger LOG = LoggerFactory.getLogger(MqttUpstream.class);
    private static final String BINDING = UpstreamErrorCounter.BINDING;

    /** Creates the transport; the binding passes Paho's, tests may pass another. */
    @FunctionalInterface
    public interface TransportFactory {
        MqttTransport create(MqttTransport.MessageHandler handler, MqttTransport.ConnectionListener listener)
                throws Exception;
    }

    private final PrimitiveBus bus;
    private final Codecs codecs;
    private final BridgeMetrics metrics;
    private final Correlator correlator;
    private final RecentIds answered = new RecentIds(4096);
    private final String receiver;
    private final TopicNames.Form topicForm;
    private final Serialization serialization;
    private final UpstreamErrorCounter counter;
    private final CseRequestRoute entityRequests;
    /** Originator topic segment -> wire rqis outstanding for it, to place an error response that lacks its rqi. */
    private final Map<String, Set<String>> outstandingByOriginator = new ConcurrentHashMap<>();
    private final SessionHealth health;
    private final UpstreamState state;
    private final MqttTransport transport;
    /** This upstream's {@code mqtt:} subtree. */
    private final MqttUpstreamSettings settings;

    public MqttUpstream(UpstreamConfig config, PrimitiveBus bus, Codecs codecs, BridgeMetrics metrics,
                        ScheduledExecutorService timer, MessageDispatch dispatch, TransportFactory transports)
            throws Exception {
        super(config);
        this.settings = MqttUpstreamSettings.of(config);
        this.bus = bus;
        this.codecs = codecs;
        this.metrics = metrics;
        this.receiver = TopicNames.segment(config.cseId());
        this.topicForm = settings.topicForm().equals("full") ? TopicNames.Form.FULL : TopicNames.Form.BARE;
        this.serialization = config.serializationFormat();
        this.counter = new UpstreamErrorCounter(metrics, config.name());
        // One correlator for the whole session: wire rqis are made unique per upstream by it, so (originator, rqi)
        // needs no second key. Bounded well above the in-flight window: answers may lag the PUBACKs.
        this.correlator = new Correlator(id(), timer, settings.maxInflight() * 10, new Correlator.Listener() {
            @Override
            public void timedOut() {
                metrics.requestTimeouts.labelValues(BINDING).inc();
                counter.error(TransportFailure.TIMEOUT.errorKind());
            }

            @Override
            public void lateResponse() {
                metrics.lateResponses.labelValues(BINDING).inc();
            }
        });
        this.state = new UpstreamState(config.name(), false, "not connected to the broker yet");
        this.health = new SessionHealth(config.name(), metrics, cause -> {
            counter.error(TransportFailure.CONNECT.errorKind());
            if (settings.cleanSession()) {
                // A clean session loses whatever the CSE answers while we are away: fail now, not at deadline.
                correlator.failAll(TransportFailure.CLOSED.rsc(),
                        "MQTT connection to the broker of upstream " + config.name() + " was lost");
            }
        }, state);
        // In order per entity: the addressee of a request for it, the originator of a response to it (MessageDispatch).
        MqttArrival arrival = new MqttArrival(new MqttArrival.Route("upstream " + config.name(), serialization,
                this::decode, Topic::addressee, this::handle, this::overloaded), dispatch, metrics);
        this.transport = transports.create(arrival::onMessage, health);
        this.entityRequests = new CseRequestRoute(config.name(), config.cseId(), transport, bus, codecs, metrics, timer,
                counter);
    }

    /** Subscribes the upstream's response topics and those of already registered entities, then connects. */
    void start() {
        transport.subscribe(TopicNames.responsesFrom(receiver));
        transport.subscribe(TopicNames.registrationResponsesFrom(receiver));
        for (Registration r : bus.registrations()) {
            if (config.name().equals(r.upstream())) {
                entityRegistered(r);
            }
        }
        transport.start();
    }

    void stop(Duration grace) {
        int failed = correlator.failAll(ResponseStatusCode.TARGET_NOT_REACHABLE, "bridge is shutting down");
        if (failed > 0) {
            LOG.info("upstream {}: {} outstanding requests failed at shutdown", config.name(), failed);
        }
        transport.close(grace.compareTo(Duration.ofSeconds(2)) < 0 ? grace : Duration.ofSeconds(2));
    }

    // ---- Upstream --------------------------------------------------------------------------------------------


    @Override
    public String binding() {
        return BINDING;
    }




    /** Connected and subscribed again: until then the CSE's requests for entities wait at the broker. */
    @Override
    public boolean isReachable() {
        return health.isSubscribed() && transport.isConnected();
    }

    @Override
    public UpstreamHealth health() {
        UpstreamHealth h = state.health();
        // the transport may know of a lost connection a moment before its listener has been told
        return h.up() == isReachable() ? h : new UpstreamHealth(false, "no MQTT connection to the broker", h.since());
    }

    /** Its correlator answers 4008 at the deadline: the bus needs no guard timer (one timer per exchange). */
    @Override
    public boolean completesByDeadline() {
        return true;
    }

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        if (!transport.isConnected()) {
            counter.error(TransportFailure.CONNECT.errorKind());
            return CompletableFuture.completedFuture(TransportFailure.CONNECT.answer(request, peer(), "not connected"));
        }
        Topic topic;
        try {
            topic = topicFor(request);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(ResponsePrimitive.error(request, ResponseStatusCode.BAD_REQUEST, e.getMessage(),
                    ResponseFlag.BR));
        }
        if (config.timeout() != null) {
            Instant own = Instant.now().plus(config.timeout());
            deadline = own.isBefore(deadline) ? own : deadline;
        }
        Optional<Correlator.Pending> pending = correlator.expect(request, deadline);
        if (pending.isEmpty()) {
            metrics.limitRefused(Limit.MQTT_PENDING);
            return CompletableFuture.completedFuture(ResponsePrimitive.error(request, ResponseStatusCode.TARGET_NOT_REACHABLE,
                    "too many requests outstanding on upstream " + config.name(), ResponseFlag.UO));
        }
        RequestPrimitive wire = pending.get().wireRequest();
        answered.remove(wire.rqi());
        track(topic.originator(), wire.rqi(), pending.get().response());
        Instant expires = deadline;
        transport.publish(topic.name(), codec(serialization).encode(wire)).whenComplete((ok, e) -> {
            if (e != null && !pending.get().response().isDone()) {
                publishFailed(wire, e, expires);
            }
        });
        return pending.get().response();
    }

    /** The broker did not take the request: the one outcome table says what the device gets. */
    private void publishFailed(RequestPrimitive wire, Throwable e, Instant deadline) {
        TransportFailure f = MqttFailures.of(e, !Instant.now().isBefore(deadline));
        counter.error(f.errorKind());
        if (f == TransportFailure.TIMEOUT) {
            metrics.requestTimeouts.labelValues(BINDING).inc();
        }
        LOG.debug("upstream {}: publish of {} failed: {}", config.name(), wire.rqi(), e.toString());
        correlator.complete(f.answer(wire.rqi(), wire.rvi(), wire.fr(), peer(), e.getMessage()));
    }

    private String peer() {
        return "the MQTT broker of upstream " + config.name();
    }

    /**
     * {@code reg_req} with a fresh credential ID for a registration whose originator has no ID yet ({@code fr}
     * absent, {@code C} or {@code S}: TS-0010 6.4.4), {@code req} otherwise.
     */
    Topic topicFor(RequestPrimitive request) {
        String fr = request.fr();
        if (request.isRegistration() && (fr == null || fr.isEmpty() || fr.equals("C") || fr.equals("S"))) {
            String credential = settings.credentialPrefix() + UUID.randomUUID().toString().replace("-", "");
            return TopicNames.registrationRequest(credential, receiver, serialization);
        }
        if (fr == null || fr.isEmpty()) {
            throw new IllegalArgumentException("request without originator (fr) cannot be published over MQTT");
        }
        return TopicNames.request(TopicNames.originator(fr, config.cseId(), topicForm), receiver, serialization);
    }

    /**
     * {@code mqtt://host:port} of the broker as configured (or {@code mqtt.poaBroker}); with {@code poaStyle: with-entity-path} the entity's
     * ID (or, before it is known, the bridge's token) as path, which Mobius uses as the receiver topic level.
     */
    @Override
    public List<String> pointOfAccess(String token, String entityId) {
        String base = settings.poaBroker();
        if (base == null) {
            URI broker = URI.create(PahoMqttTransport.pahoUri(MqttConfiguration.broker(config)));
            String scheme = broker.getScheme().equals("ssl") ? "mqtts" : "mqtt";
            base = scheme + "://" + broker.getHost() + (broker.getPort() < 0 ? "" : ":" + broker.getPort());
        } else if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (settings.poaStyle().equals("with-entity-path")) {
            return List.of(base + "/" + (entityId != null ? TopicNames.segment(entityId) : token));
        }
        return List.of(base);
    }

    @Override
    public void entityRegistered(Registration registration) {
        entityRequests.subscribe(registration);
    }

    @Override
    public void entityDeregistered(Registration registration) {
        entityRequests.unsubscribe(registration);
    }

    // ---- received messages -------------------------------------------------------------------------------------

    /** A request the dispatch had no room for is answered at once, so the CSE need not wait for its deadline. */
    private void overloaded(Topic topic, Serialization format, DecodeResult decoded) {
        decoded.request().ifPresent(r -> entityRequests.answerLocally(topic, format, r, ResponsePrimitive.error(r,
                ResponseStatusCode.INTERNAL_SERVER_ERROR, "bridge overloaded")));
    }

    private DecodeResult decode(Serialization format, byte[] payload) {
        DecodeResult d = codec(format).decode(payload);
        if (!d.isSuccess() && format == Serialization.CBOR && looksHex(payload)) {
            // Mobius publishes CBOR as a hex string (docs/spec/peers.md PEER-M-2); accept it.
            DecodeResult hex = codec(format).decode(HexFormat.of().parseHex(new String(payload, StandardCharsets.US_ASCII)));
            return hex.isSuccess() ? hex : d;
        }
        return d;
    }

    private static boolean looksHex(byte[] b) {
        if (b.length == 0 || b.length % 2 != 0) {
            return false;
        }
        for (byte c : b) {
            if (Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private void handle(Topic topic, Serialization format, DecodeResult decoded) {
        switch (topic.kind()) {
            case RESP, REG_RESP -> onResponse(topic, decoded);
            case REQ -> entityRequests.onRequest(topic, format, decoded);
            default -> LOG.debug("upstream {}: ignoring {}", config.name(), topic);
        }
    }

    private void onResponse(Topic topic, DecodeResult decoded) {
        if (decoded instanceof DecodeResult.Failed f) {
            counter.error(TransportFailure.PROTOCOL.errorKind());
            LOG.warn("upstream {}: unreadable response on {}: {}", config.name(), topic, f.reason());
            f.rqi().ifPresent(rqi -> correlator.complete(TransportFailure.PROTOCOL.answer(rqi, f.rvi().orElse(null),
                    null, "upstream " + config.name(), "unreadable response")));
            return;
        }
        Optional<ResponsePrimitive> response = decoded.response();
        if (response.isEmpty()) {
            LOG.debug("upstream {}: request on response topic {} ignored", config.name(), topic);
            return;
        }
        ResponsePrimitive r = response.get();
        if (r.rqi() == null) {
            // ACME and Mobius answer unparseable requests without rqi (docs/spec/peers.md PEER-C-3). When exactly one
            // request of
            // that originator is outstanding (always so for reg_resp: one credential per request) it is the one;
            // otherwise nothing can be matched and the request's deadline gives the device its 4008.
            counter.error(UpstreamErrorKind.PROTOCOL);
            Set<String> candidates = outstandingByOriginator.getOrDefault(topic.originator(), Set.of());
            List<String> only = List.copyOf(candidates);
            if (only.size() != 1) {
                LOG.warn("upstream {}: response without rqi on {} (rsc {}) cannot be matched", config.name(), topic,
                        r.rsc());
                return;
            }
            r = r.toBuilder().rqi(only.get(0)).build();
        }
        // Mark first, then complete: two copies handled on two dispatch threads must not both reach the correlator.
        if (!answered.add(r.rqi())) {
            LOG.debug("upstream {}: duplicate response {} dropped", config.name(), r.rqi());
            return;
        }
        correlator.complete(r);
    }

    /** Remembers {@code rqi} as outstanding for {@code originator} until its response future completes. */
    private void track(String originator, String rqi, CompletableFuture<ResponsePrimitive> response) {
        outstandingByOriginator.compute(originator, (k, set) -> {
            Set<String> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(rqi);
            return s;
        });
        response.whenComplete((r, e) -> outstandingByOriginator.computeIfPresent(originator, (k, set) -> {
            set.remove(rqi);
            return set.isEmpty() ? null : set;
        }));
    }

    private PrimitiveCodec codec(Serialization s) {
        return codecs.get(s);
    }

    int outstanding() {
        return correlator.outstanding();
    }
}
