package org.m2mbridge.distribution;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.budget.InboundBudget;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Upstream;
import org.m2mbridge.core.bus.UpstreamHealth;
import org.m2mbridge.core.status.ReadinessCheck;

/**
 * {@code /health/ready}: a list of named checks ({@link ReadinessCheck}), each with its reason and since when. The
 * bridge is ready when every required check is. Bindings report theirs ({@link Binding#readiness()}); upstreams
 * are reported too, and required only with {@code admin.readinessIncludesUpstreams} (README "Health": replicas
 * behind a load balancer share their upstream). More sources (a limit shedding load) plug in with {@link #add}.
 */
final class Readiness {
    private final List<Supplier<List<ReadinessCheck>>> sources = new CopyOnWriteArrayList<>();
    private volatile InboundBudget budget;

    Readiness(List<Binding> bindings, PrimitiveBus bus, boolean upstreamsRequired) {
        bindings.forEach(b -> add(b::readiness));
        add(() -> bus.upstreams().stream().map(u -> upstreamCheck(u, upstreamsRequired)).toList());
    }

    /** Adds a source of checks, asked on every probe (must be cheap and non-blocking). */
    void add(Supplier<List<ReadinessCheck>> source) {
        sources.add(source);
    }

    /**
     * The inbound memory budget as a required check: DOWN for {@link InboundBudget#SHEDDING_REPORTED_FOR} after it
     * shed a connection (1013), so a load balancer sends new devices elsewhere for a while; the document also shows
     * its use ({@code inboundBudget.usedBytes}, {@code limitBytes}).
     */
    void watch(InboundBudget inboundBudget) {
        budget = inboundBudget;
        add(() -> List.of(new ReadinessCheck("limit", "inboundBudget", !inboundBudget.shedRecently(), true,
                inboundBudget.shedRecently() ? "shedding: the inbound memory budget (limits.inboundBudgetBytes) ran out "
                        + "within the last " + InboundBudget.SHEDDING_REPORTED_FOR.toSeconds()
                        + " s, connections were closed 1013" : null, null)));
    }

    List<ReadinessCheck> checks() {
        List<ReadinessCheck> all = new ArrayList<>();
        sources.forEach(s -> all.addAll(s.get()));
        return all;
    }

    private static ReadinessCheck upstreamCheck(Upstream upstream, boolean required) {
        UpstreamHealth h = upstream.health();
        return new ReadinessCheck("upstream", upstream.name(), h.up(), required, h.reason(), h.since());
    }

    /**
     * The document: {@code status} UP or DOWN, {@code reasons} (one line per check that keeps the bridge from being
     * ready), {@code checks} (all of them), and per kind a map name -> {status, reason, since} ({@code bindings},
     * {@code upstreams}, ...). One snapshot, so the status always agrees with the detail.
     */
    ObjectNode document() {
        List<ReadinessCheck> checks = checks();
        ObjectNode root = StatusReport.JSON.createObjectNode();
        boolean ready = checks.stream().noneMatch(ReadinessCheck::blocks);
        root.put("status", ready ? "UP" : "DOWN");
        ArrayNode reasons = root.putArray("reasons");
        checks.stream().filter(ReadinessCheck::blocks).forEach(c -> reasons.add(c.kind() + " " + c.name() + ": "
                + (c.reason() == null ? "not ready" : c.reason()) + (c.since() == null ? "" : " (since " + time(c.since()) + ")")));
        InboundBudget b = budget;
        if (b != null) {
            ObjectNode use = root.putObject("inboundBudget").put("usedBytes", b.used()).put("limitBytes", b.limit());
            checks.stream().filter(c -> c.name().equals("inboundBudget")).findFirst().ifPresent(c -> fill(use, c));
        }
        ArrayNode list = root.putArray("checks");
        for (ReadinessCheck c : checks) {
            fill(list.addObject().put("kind", c.kind()).put("name", c.name()), c).put("required", c.required());
            String byKind = c.kind() + "s";
            ObjectNode group = root.get(byKind) instanceof ObjectNode g ? g : root.putObject(byKind);
            fill(group.putObject(c.name()), c);
        }
        return root;
    }

    private static ObjectNode fill(ObjectNode n, ReadinessCheck c) {
        n.put("status", c.ready() ? "UP" : "DOWN");
        if (c.reason() != null) {
            n.put("reason", c.reason());
        }
        if (c.since() != null) {
            n.put("since", time(c.since()));
        }
        return n;
    }

    /** ISO 8601 UTC with milliseconds: readable, and what the status page parses. */
    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
