package org.m2mbridge.distribution;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.budget.InboundBudget;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.bus.Upstream;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.core.store.DeliveryStore;

/**
 * The JSON documents of the admin listener: readiness (per binding and upstream) and the status API (connections,
 * upstreams, registered entities). Built from the live bus, bindings and store on each call; nothing is cached.
 */
final class StatusReport {
    static final ObjectMapper JSON = new ObjectMapper();

    private final PrimitiveBus bus;
    private final List<Binding> bindings;
    private final DeliveryStore stored;
    private final InboundBudget inboundBudget;

    StatusReport(PrimitiveBus bus, List<Binding> bindings, DeliveryStore stored, InboundBudget inboundBudget) {
        this.bus = bus;
        this.bindings = List.copyOf(bindings);
        this.stored = stored;
        this.inboundBudget = inboundBudget;
    }

    /** Every binding's device connections now. */
    List<ConnectionView> connections() {
        return bindings.stream().flatMap(b -> b.connections().stream()).toList();
    }

    /**
     * Ready when every binding is ready, every upstream reachable and no connection was shed for memory lately
     * (what a load balancer should know: send new devices elsewhere for a while); one snapshot, so the overall
     * status always agrees with the detail.
     */
    ObjectNode readiness() {
        ObjectNode root = JSON.createObjectNode();
        boolean ready = true;
        root.put("status", "UP");
        ObjectNode b = root.putObject("bindings");
        for (Binding binding : bindings) {
            ready &= up(b.putObject(binding.name()), binding.isReady());
        }
        ObjectNode u = root.putObject("upstreams");
        for (Upstream upstream : bus.upstreams()) {
            ready &= up(u.putObject(upstream.name()), upstream.isReachable());
        }
        ObjectNode budget = root.putObject("inboundBudget").put("usedBytes", inboundBudget.used())
                .put("limitBytes", inboundBudget.limit());
        if (!up(budget, !inboundBudget.shedRecently())) {
            budget.put("reason", "shedding: the inbound memory budget (limits.inboundBudgetBytes) ran out within the "
                    + "last " + InboundBudget.SHEDDING_REPORTED_FOR.toSeconds() + " s, connections were closed 1013");
            ready = false;
        }
        return root.put("status", ready ? "UP" : "DOWN");
    }

    private static boolean up(ObjectNode node, boolean up) {
        node.put("status", up ? "UP" : "DOWN");
        return up;
    }

    ObjectNode status() {
        ObjectNode root = JSON.createObjectNode().put("version", BuildInfo.VERSION);
        ArrayNode bs = root.putArray("bindings");
        for (Binding binding : bindings) {
            ObjectNode n = bs.addObject().put("name", binding.name()).put("ready", binding.isReady());
            ObjectNode l = n.putObject("listeners");
            binding.boundListeners().forEach((name, uri) -> l.put(name, uri.toString()));
        }
        ArrayNode cs = root.putArray("connections");
        for (ConnectionView c : connections()) {
            ObjectNode n = cs.addObject().put("id", c.id()).put("binding", c.binding())
                    .put("remoteAddress", c.remoteAddress()).put("subprotocol", c.subprotocol())
                    .put("since", c.since().toString()).put("inflight", c.inflight());
            ArrayNode es = n.putArray("entities");
            int storedForIt = 0;
            for (String e : c.entities()) {
                es.add(e);
                storedForIt += stored.count(e);
            }
            n.put("stored", storedForIt);
        }
        Map<String, double[]> latency = latencyByUpstream(bus.metrics());
        ArrayNode us = root.putArray("upstreams");
        for (Upstream upstream : bus.upstreams()) {
            double[] countSum = latency.getOrDefault(upstream.name(), new double[2]);
            ObjectNode n = us.addObject().put("name", upstream.name()).put("binding", upstream.binding())
                    .put("cseId", upstream.cseId()).put("spId", upstream.spId())
                    .put("reachable", upstream.isReachable())
                    .put("state", upstream.isReachable() ? "UP" : "DOWN")
                    .put("requests", (long) countSum[0]);
            if (countSum[0] > 0) {
                n.put("meanLatencySeconds", countSum[1] / countSum[0]);
            } else {
                n.putNull("meanLatencySeconds");
            }
        }
        ArrayNode es = root.putArray("entities");
        for (Registration r : bus.registrations()) {
            ObjectNode n = es.addObject().put("entityId", r.entityId()).put("kind", r.kind().name())
                    .put("upstream", r.upstream()).put("registeredAt", r.registeredAt().toString())
                    .put("stored", stored.count(r.entityId()));
            bus.boundLink(r.entityId()).ifPresentOrElse(
                    link -> n.put("bound", true).put("link", link.id()),
                    () -> n.put("bound", false));
        }
        return root;
    }

    /** Count and sum of the round-trip histogram per upstream, over all operations: {count, sumSeconds}. */
    private static Map<String, double[]> latencyByUpstream(BridgeMetrics metrics) {
        Map<String, double[]> out = new HashMap<>();
        for (HistogramSnapshot.HistogramDataPointSnapshot p : metrics.upstreamRequestDuration.collect().getDataPoints()) {
            double[] cs = out.computeIfAbsent(p.getLabels().get("upstream"), k -> new double[2]);
            cs[0] += p.getCount();
            cs[1] += p.getSum();
        }
        return out;
    }
}
