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
    /** Refused WebSocket handshakes: reason. */
    public final Counter handshakeRefusals;
    /** Refusals because a configured limit was hit: limit. */
    public final Counter limitRefusals;
    /** Requests the bridge answered itself without forwarding: reason (not_registered|no_route|bad_request|...). */
    public final Counter rejectedRequests;
    /** Requests stored for offline entities right now (store-and-forward, docs/reliability.md). */
    public final Gauge storedPrimitives;
    /** Bytes (JSON-serialized) of the requests stored right now. */
    public final Gauge storedBytes;
    /** Requests accepted into the store. */
    public final Counter storeStored;
    /** Stored requests delivered to their entity and answered (any rsc). */
    public final Counter storeDelivered;
    /** Stored requests dropped undelivered because they expired. */
    public final Counter storeExpired;
    /** Requests for an offline entity that were not stored: reason (full_entity|full_global|immediate|busy). */
    public final Counter storeRefused;
    /** Stored requests dropped for another reason: reason (deregistered|replaced|unanswered). */
    public final Counter storeDropped;

    /** Connections closed to protect memory: reason (memory_budget|assembly_timeout), {@code core.budget}. */
    public final Counter loadShed;

    /** Always 1; the label says which release runs: version. */
    public final Gauge buildInfo;

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
        handshakeRefusals = Counter.builder().name(PREFIX + "ws_handshake_refusals_total")
                .help("Refused WebSocket opening handshakes").labelNames("reason").register(registry);
        limitRefusals = Counter.builder().name(PREFIX + "limit_refusals_total")
                .help("Refusals because a configured limit was reached").labelNames("limit").register(registry);
        rejectedRequests = Counter.builder().name(PREFIX + "rejected_requests_total")
                .help("Requests answered by the bridge itself without forwarding").labelNames("reason")
                .register(registry);
        storedPrimitives = Gauge.builder().name(PREFIX + "store_primitives")
                .help("Requests stored for entities that are not connected").register(registry);
        storedBytes = Gauge.builder().name(PREFIX + "store_bytes")
                .help("Bytes of the requests stored for entities that are not connected").register(registry);
        storeStored = Counter.builder().name(PREFIX + "store_stored_total")
                .help("Requests stored for an entity that was not connected").register(registry);
        storeDelivered = Counter.builder().name(PREFIX + "store_delivered_total")
                .help("Stored requests delivered to their entity and answered").register(registry);
        storeExpired = Counter.builder().name(PREFIX + "store_expired_total")
                .help("Stored requests dropped undelivered because they expired").register(registry);
        storeRefused = Counter.builder().name(PREFIX + "store_refused_total")
                .help("Requests for a not connected entity that were answered 5103 instead of stored")
                .labelNames("reason").register(registry);
        storeDropped = Counter.builder().name(PREFIX + "store_dropped_total")
                .help("Stored requests dropped: entity deregistered, replaced by a newer one, or delivered but "
                        + "never answered")
                .labelNames("reason").register(registry);
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
