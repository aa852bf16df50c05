package org.m2mbridge.core.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.status.ConnectionView;

/**
 * Every metric of the bridge, named in one place (Hono's MicrometerBasedMetrics idea). Prefix {@code m2mbridge_},
 * base units, {@code _total} counters, histograms in seconds, and only bounded label values: binding names,
 * operations, rsc classes, upstream names from the configuration, fixed reason words. Never an AE-ID or rqi.
 */
public final class BridgeMetrics {
    public static final String PREFIX = "m2mbridge_";

    /** Label values for {@code direction}. */
    public static final String IN = "in";
    public static final String OUT = "out";

    private final PrometheusRegistry registry;

    /** Primitives crossing a binding: binding, direction (in|out), kind (request|response), op, rsc_class. */
    public final Counter primitives;
    /** Round trip of a request through an upstream, seconds: upstream, op. */
    public final Histogram upstreamRequestDuration;
    /** Transport-level upstream failures: upstream, kind (connect|timeout|protocol|closed). */
    public final Counter upstreamErrors;
    /** 4008 produced by the bridge because a deadline passed: binding. */
    public final Counter requestTimeouts;
    /** Responses that arrived after their deadline or matched nothing: binding. */
    public final Counter lateResponses;
    /** Requests outstanding on the bus right now. */
    public final Gauge pendingRequests;
    /** Open WebSocket connections: role (server|client), subprotocol. */
    public final Gauge wsConnections;
    /** Entities registered through the bridge. */
    public final Gauge registeredEntities;
    /** Entities currently bound to a live connection. */
    public final Gauge boundEntities;
    /** Registrations that ended: reason (deleted|not_found|expired). */
    public final Counter deregistrations;
    /** Refused WebSocket handshakes: reason. */
    public final Counter handshakeRefusals;
    /** Refusals because a configured limit was hit: limit. */
    public final Counter limitRefusals;
    /** Requests the bridge answered itself without forwarding: reason (not_registered|no_route|bad_request|...). */
    public final Counter rejectedRequests;
    /**
     * Connections an HTTP listener refused at accept or cut before their first request head: listener
     * (http|deviceHttp|admin), reason (connections|connections_per_address|header_timeout).
     */
    public final Counter listenerRefusals;
    /** Open connections of an HTTP listener: listener (http|deviceHttp|admin). */
    public final Gauge listenerConnections;
    /** Requests stored for offline entities right now (store-and-forward, docs/reliability.md). */
    public final Gauge storedPrimitives;
    /** Bytes (JSON-serialized) of the requests stored right now. */
    public final Gauge storedBytes;
    /** store.maxTotal: how many requests the store holds at most (for "store filling" alerts). */
    public final Gauge storeCapacityPrimitives;
    /** store.maxTotalBytes: how many bytes the store holds at most. */
    public final Gauge storeCapacityBytes;
    /** Requests accepted into the store. */
    public final Counter storeStored;
    /** Stored requests delivered to their entity and answered (any rsc). */
    public final Counter storeDelivered;
    /** Stored requests dropped undelivered because they expired. */
    public final Counter storeExpired;
    /**
     * Requests for an offline entity that were answered 5103 (or 4008) instead of stored: reason
     * (full_entity|full_global|immediate|busy|blocking).
     */
    public final Counter storeRefused;
    /**
     * Stored requests dropped for another reason: reason (deregistered|registration_expired|incarnation|replaced|
     * unanswered|attempts).
     */
    public final Counter storeDropped;

    /** Connections of the bridge's MQTT client sessions: session (upstream name|deviceMqtt), session_present. */
    public final Counter mqttConnects;
    /** From losing an MQTT connection to being connected and subscribed again, seconds: session. */
    public final Histogram mqttReconnectSeconds;
    /** Requests received again over MQTT and answered from the first exchange (QoS 1 redelivery): session. */
    public final Counter mqttRedeliveries;
    /** Requests a device listener's dialect repaired on the way in: listener, repair (rvi|to|srv). */
    public final Counter dialectRepairs;
    /** Connections closed to protect memory: reason (memory_budget|assembly_timeout), {@code core.budget}. */
    public final Counter loadShed;

    /** Always 1; the label says which release runs: version. */
    public final Gauge buildInfo;
    /** Connections opened: binding, role ({@link ConnectionRole}). */
    public final Counter connectionsOpened;
    /** Connections closed: binding, reason ({@link CloseReason}). */
    public final Counter connectionsClosed;

    /** Configuration reloads (SIGHUP, POST /-/reload): result ({@link ReloadResult}). */
    public final Counter configReloads;
    /** 1 when the last reload was applied (or none was tried since the start), 0 when it was refused. */
    public final Gauge configLastReloadSuccessful;
    /** When the configuration in effect was last loaded (the start, then each successful reload), Unix seconds. */
    public final Gauge configLastReloadSuccessTimestamp;

    /** Reads the inbound budget's use at scrape time; replaced when a budget is created (one per process). */
    private volatile LongSupplier inboundBudgetUsed = () -> 0;
    private volatile long inboundBudgetLimit;

    /** binding|subprotocol pairs seen so far, so a gauge drops to 0 instead of vanishing when the last one goes. */
    private final Set<List<String>> seenConnectionLabels = ConcurrentHashMap.newKeySet();

    public BridgeMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        primitives = Counter.builder().name(PREFIX + "primitives_total")
                .help("oneM2M primitives crossing a binding")
                .labelNames("binding", "direction", "kind", "op", "rsc_class").register(registry);
        upstreamRequestDuration = Histogram.builder().name(PREFIX + "upstream_request_duration_seconds")
                .help("Round-trip time of requests forwarded to an upstream CSE")
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .labelNames("upstream", "op").register(registry);
        upstreamErrors = Counter.builder().name(PREFIX + "upstream_errors_total")
                .help("Transport-level failures talking to an upstream CSE")
                .labelNames("upstream", "kind").register(registry);
        requestTimeouts = Counter.builder().name(PREFIX + "request_timeouts_total")
                .help("Requests answered 4008 by the bridge because their deadline passed")
                .labelNames("binding").register(registry);
        lateResponses = Counter.builder().name(PREFIX + "late_responses_total")
                .help("Responses dropped because nothing was waiting for them (late, duplicate or unknown rqi)")
                .labelNames("binding").register(registry);
        pendingRequests = Gauge.builder().name(PREFIX + "pending_requests")
                .help("Requests outstanding on the bus").register(registry);
        wsConnections = Gauge.builder().name(PREFIX + "ws_connections")
                .help("Open WebSocket connections").labelNames("role", "subprotocol").register(registry);
        registeredEntities = Gauge.builder().name(PREFIX + "registered_entities")
                .help("Entities (AEs, CSEs) registered through the bridge").register(registry);
        boundEntities = Gauge.builder().name(PREFIX + "bound_entities")
                .help("Registered entities currently bound to a live connection").register(registry);
        deregistrations = Counter.builder().name(PREFIX + "deregistrations_total")
                .help("Registrations that ended: DELETE answered 2002, the CSE's 4004 for the registration "
                        + "resource, or its expiration time (et) passed").labelNames("reason").register(registry);
        handshakeRefusals = Counter.builder().name(PREFIX + "ws_handshake_refusals_total")
                .help("Refused WebSocket opening handshakes").labelNames("reason").register(registry);
        limitRefusals = Counter.builder().name(PREFIX + "limit_refusals_total")
                .help("Refusals because a configured limit was reached").labelNames("limit").register(registry);
        rejectedRequests = Counter.builder().name(PREFIX + "rejected_requests_total")
                .help("Requests answered by the bridge itself without forwarding").labelNames("reason")
                .register(registry);
        listenerRefusals = Counter.builder().name(PREFIX + "listener_refusals_total")
                .help("Connections an HTTP listener refused at accept (connection caps) or closed because their "
                        + "first request head did not arrive in time")
                .labelNames("listener", "reason").register(registry);
        listenerConnections = Gauge.builder().name(PREFIX + "listener_connections")
                .help("Open connections of an HTTP listener").labelNames("listener").register(registry);
        storedPrimitives = Gauge.builder().name(PREFIX + "store_primitives")
                .help("Requests stored for entities that are not connected").register(registry);
        storedBytes = Gauge.builder().name(PREFIX + "store_bytes")
                .help("Bytes of the requests stored for entities that are not connected").register(registry);
        storeCapacityPrimitives = Gauge.builder().name(PREFIX + "store_capacity_primitives")
                .help("Requests the store holds at most (store.maxTotal)").register(registry);
        storeCapacityBytes = Gauge.builder().name(PREFIX + "store_capacity_bytes")
                .help("Bytes of requests the store holds at most (store.maxTotalBytes)").register(registry);
        storeStored = Counter.builder().name(PREFIX + "store_stored_total")
                .help("Requests stored for an entity that was not connected").register(registry);
        storeDelivered = Counter.builder().name(PREFIX + "store_delivered_total")
                .help("Stored requests delivered to their entity and answered").register(registry);
        storeExpired = Counter.builder().name(PREFIX + "store_expired_total")
                .help("Stored requests dropped undelivered because they expired").register(registry);
        storeRefused = Counter.builder().name(PREFIX + "store_refused_total")
                .help("Requests for a not connected entity that were answered 5103 (or 4008) instead of stored")
                .labelNames("reason").register(registry);
        storeDropped = Counter.builder().name(PREFIX + "store_dropped_total")
                .help("Stored requests dropped: entity deregistered, expired or registered anew, replaced by "
                        + "a newer one, delivered but never answered, or its connection closed before the answer "
                        + "store.maxDeliveryAttempts times")
                .labelNames("reason").register(registry);
        mqttConnects = Counter.builder().name(PREFIX + "mqtt_connects_total")
                .help("Connections of the bridge's MQTT client sessions, by whether the broker had kept the session")
                .labelNames("session", "session_present").register(registry);
        mqttReconnectSeconds = Histogram.builder().name(PREFIX + "mqtt_reconnect_seconds")
                .help("Time from losing an MQTT connection to being connected and subscribed again")
                .classicUpperBounds(0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800)
                .labelNames("session").register(registry);
        mqttRedeliveries = Counter.builder().name(PREFIX + "mqtt_redeliveries_total")
                .help("Requests received again over MQTT (QoS 1 redelivery, a peer's retry with the same rqi) and "
                        + "answered from the first exchange instead of being delivered twice")
                .labelNames("session").register(registry);
        dialectRepairs = Counter.builder().name(PREFIX + "dialect_repairs_total")
                .help("Requests from devices repaired by their listener's dialect settings")
                .labelNames("listener", "repair").register(registry);
        loadShed = Counter.builder().name(PREFIX + "load_shed_total")
                .help("Connections closed to protect the bridge's memory: the inbound budget was spent "
                        + "(memory_budget) or a message was not complete in time (assembly_timeout)")
                .labelNames("reason").register(registry);
        GaugeWithCallback.builder().name(PREFIX + "inbound_budget_used_bytes")
                .help("Bytes held in messages not yet received whole and not yet sent, all connections together")
                .callback(cb -> cb.call(inboundBudgetUsed.getAsLong())).register(registry);
        GaugeWithCallback.builder().name(PREFIX + "inbound_budget_limit_bytes")
                .help("Size of the inbound memory budget (limits.inboundBudgetBytes, or its automatic default)")
                .callback(cb -> cb.call(inboundBudgetLimit)).register(registry);
        buildInfo = Gauge.builder().name(PREFIX + "build_info")
                .help("Build of the running bridge (value always 1)").labelNames("version").register(registry);
        connectionsOpened = Counter.builder().name(PREFIX + "connections_opened_total")
                .help("WebSocket connections opened, as server (devices) or client (ws upstreams)")
                .labelNames("binding", "role").register(registry);
        connectionsClosed = Counter.builder().name(PREFIX + "connections_closed_total")
                .help("WebSocket connections closed, by why (peer_close, pong_timeout, policy, too_big, protocol, "
                        + "shutdown, takeover, idle, unused, error)")
                .labelNames("binding", "reason").register(registry);
        configReloads = Counter.builder().name(PREFIX + "config_reloads_total")
                .help("Configuration reloads (SIGHUP, POST /-/reload), by result").labelNames("result")
                .register(registry);
        configLastReloadSuccessful = Gauge.builder().name(PREFIX + "config_last_reload_successful")
                .help("Whether the last configuration reload was applied (1) or refused (0)").register(registry);
        configLastReloadSuccessTimestamp = Gauge.builder()
                .name(PREFIX + "config_last_reload_success_timestamp_seconds")
                .help("When the configuration in effect was loaded: the start or the last successful reload")
                .register(registry);
        configLastReloadSuccessful.set(1); // the configuration read at the start is in effect (as Prometheus)
        configLastReloadSuccessTimestamp.set(System.currentTimeMillis() / 1000.0);
        // Every value of a fixed label set at 0 from the start: rate() and the alert rules see the series before
        // the first event (a labelled counter is otherwise absent until then).
        zeros(rejectedRequests, RejectReason.values());
        zeros(limitRefusals, Limit.values());
        zeros(storeRefused, StoreRefusal.values());
        zeros(storeDropped, StoreDrop.values());
        zeros(handshakeRefusals, HandshakeRefusal.values());
        zeros(deregistrations, DeregistrationReason.values());
        zeros(configReloads, ReloadResult.values());
    }

    private static void zeros(Counter counter, LabelValue[] values) {
        for (LabelValue v : values) {
            counter.labelValues(v.label());
        }
    }

    /**
     * Writes the series of {@code binding} at 0: its primitives (every direction, kind, operation and rsc class),
     * timeouts and late responses. The bridge calls it for each binding it starts.
     */
    public void bindingStarted(String binding) {
        for (Direction d : Direction.values()) {
            for (OpLabel op : OpLabel.values()) {
                if (op != OpLabel.UNKNOWN) {
                    primitives.labelValues(binding, d.label(), PrimitiveKind.REQUEST.label(), op.label(),
                            RscClass.NONE.label());
                }
                for (RscClass c : RscClass.values()) {
                    if (c != RscClass.NONE && c != RscClass.OTHER) {
                        primitives.labelValues(binding, d.label(), PrimitiveKind.RESPONSE.label(), op.label(),
                                c.label());
                    }
                }
            }
        }
        requestTimeouts.labelValues(binding);
        lateResponses.labelValues(binding);
    }

    /**
     * Writes the WebSocket connection series of {@code binding} at 0: opened per role, closed per reason, open
     * connections and connected entities per role and serialization.
     */
    public void connectionsOf(String binding) {
        for (ConnectionRole r : ConnectionRole.values()) {
            connectionsOpened.labelValues(binding, r.label());
            for (Serialization s : Serialization.values()) {
                wsConnections.labelValues(r.label(), s.token());
            }
        }
        for (Serialization s : Serialization.values()) {
            seenConnectionLabels.add(List.of(binding, s.token()));
        }
        for (CloseReason r : CloseReason.values()) {
            connectionsClosed.labelValues(binding, r.label());
        }
    }

    /** Writes the series of a configured upstream at 0: one per error kind, a round-trip histogram per operation. */
    public void upstreamConfigured(String upstream) {
        for (UpstreamErrorKind k : UpstreamErrorKind.values()) {
            upstreamErrors.labelValues(upstream, k.label());
        }
        for (OpLabel op : OpLabel.values()) {
            if (op != OpLabel.UNKNOWN) {
                upstreamRequestDuration.labelValues(upstream, op.label());
            }
        }
    }

    // ---- typed recording: one spelling per label value (the enums) ----------------------------------------

    /** A request crossing {@code binding}. */
    public void request(String binding, Direction direction, OpLabel op) {
        primitives.labelValues(binding, direction.label(), PrimitiveKind.REQUEST.label(), op.label(),
                RscClass.NONE.label()).inc();
    }

    /** A response crossing {@code binding}, to a request of {@code op}. */
    public void response(String binding, Direction direction, OpLabel op, int rsc) {
        primitives.labelValues(binding, direction.label(), PrimitiveKind.RESPONSE.label(), op.label(),
                RscClass.of(rsc).label()).inc();
    }

    /** A configuration reload was applied or refused. */
    public void reloaded(ReloadResult result) {
        configReloads.labelValues(result.label()).inc();
        configLastReloadSuccessful.set(result == ReloadResult.SUCCESS ? 1 : 0);
        if (result == ReloadResult.SUCCESS) {
            configLastReloadSuccessTimestamp.set(System.currentTimeMillis() / 1000.0);
        }
    }

    public void rejected(RejectReason reason) {
        rejectedRequests.labelValues(reason.label()).inc();
    }

    public void limitRefused(Limit limit) {
        limitRefusals.labelValues(limit.label()).inc();
    }

    public void storeRefused(StoreRefusal reason) {
        storeRefused.labelValues(reason.label()).inc();
    }

    public void storeDropped(StoreDrop reason, long count) {
        storeDropped.labelValues(reason.label()).inc(count);
    }

    public void upstreamError(String upstream, UpstreamErrorKind kind) {
        upstreamErrors.labelValues(upstream, kind.label()).inc();
    }

    public void handshakeRefused(HandshakeRefusal reason) {
        handshakeRefusals.labelValues(reason.label()).inc();
    }

    public void deregistered(DeregistrationReason reason) {
        deregistrations.labelValues(reason.label()).inc();
    }

    public void connectionOpened(String binding, ConnectionRole role) {
        connectionsOpened.labelValues(binding, role.label()).inc();
    }

    public void connectionClosed(String binding, CloseReason reason) {
        connectionsClosed.labelValues(binding, reason.label()).inc();
    }

    /**
     * Registers {@code m2mbridge_upstream_up{upstream}}: 1 while an upstream is reachable, else 0, read at scrape
     * time from {@code reachable} (the same state {@code /health/ready} and {@code /api/status} report). Call once
     * per registry.
     */
    public void registerUpstreamUp(Supplier<Map<String, Boolean>> reachable) {
        GaugeWithCallback.builder().name(PREFIX + "upstream_up")
                .help("1 while the upstream CSE is reachable, 0 while it is not (the state /health/ready reports)")
                .labelNames("upstream")
                .callback(cb -> reachable.get().forEach((name, up) -> cb.call(up ? 1 : 0, name)))
                .register(registry);
    }

    /**
     * Registers {@code m2mbridge_connected_entities{binding,subprotocol}}: entities bound to a live device
     * connection, by the connection's serialization, computed from {@code connections} at scrape time (the
     * bindings own their sessions; the numbers are never stale). Call once per registry.
     */
    public void registerConnectedEntities(Supplier<? extends Collection<ConnectionView>> connections) {
        GaugeWithCallback.builder().name(PREFIX + "connected_entities")
                .help("Entities bound to a live device connection, by binding and subprotocol")
                .labelNames("binding", "subprotocol")
                .callback(cb -> {
                    Map<List<String>, Integer> counts = new TreeMap<>((a, b) -> String.join("|", a)
                            .compareTo(String.join("|", b)));
                    seenConnectionLabels.forEach(l -> counts.put(l, 0));
                    for (ConnectionView c : connections.get()) {
                        List<String> labels = List.of(c.binding(), String.valueOf(c.subprotocol()));
                        seenConnectionLabels.add(labels);
                        counts.merge(labels, c.entities().size(), Integer::sum);
                    }
                    counts.forEach((labels, n) -> cb.call(n, labels.get(0), labels.get(1)));
                })
                .register(registry);
    }

    /** Exposes {@code m2mbridge_inbound_budget_used_bytes} and {@code _limit_bytes} of the process's budget. */
    public void watchInboundBudget(LongSupplier used, long limit) {
        inboundBudgetUsed = used;
        inboundBudgetLimit = limit;
    }

    /**
     * Registers {@code m2mbridge_access_log_dropped_total}: access lines dropped because the access log's queue was
     * full, read from {@code dropped} at scrape time (the access log is one per process). Call once per registry.
     */
    public void registerAccessLogDropped(LongSupplier dropped) {
        CounterWithCallback.builder().name(PREFIX + "access_log_dropped_total")
                .help("Access log lines dropped because the writer could not keep up (the exchanges were not affected)")
                .callback(cb -> cb.call(dropped.getAsLong()))
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
