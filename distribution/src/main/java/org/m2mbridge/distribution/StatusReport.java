package org.m2mbridge.distribution;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.bus.Upstream;
import org.m2mbridge.core.bus.UpstreamHealth;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.core.bus.DeliveryStore;

/**
 * The status API document ({@code /api/status}): totals and uptime, bindings, upstreams with their state, reason
 * and since when, one page each of connections and registered entities ({@link StatusQuery}), and the last minutes
 * of the bridge's own numbers ({@link MetricsHistory}). Built from the live bus, bindings and store on each call;
 * nothing is cached. Times are ISO 8601 UTC with milliseconds.
 */
final class StatusReport {
    static final ObjectMapper JSON = new ObjectMapper();

    private final PrimitiveBus bus;
    private final BridgeMetrics metrics;
    private final List<Binding> bindings;
    private final DeliveryStore stored;
    private final Instant startedAt = Instant.now();
    private final MetricsHistory history;

    StatusReport(PrimitiveBus bus, BridgeMetrics metrics, List<Binding> bindings, DeliveryStore stored) {
        this.bus = bus;
        this.metrics = metrics;
        this.bindings = List.copyOf(bindings);
        this.stored = stored;
        this.history = new MetricsHistory(metrics, () -> connections().size());
    }

    /** Every binding's device connections now (and the bridge's own client sockets of ws upstreams). */
    List<ConnectionView> connections() {
        return bindings.stream().flatMap(b -> b.connections().stream()).toList();
    }

    MetricsHistory history() {
        return history;
    }

    ObjectNode status() {
        return status(StatusQuery.FIRST_PAGES);
    }

    ObjectNode status(StatusQuery query) {
        Instant now = Instant.now();
        List<ConnectionView> connections = connections();
        List<Registration> entities = new ArrayList<>(bus.registrations());
        List<Upstream> upstreams = bus.upstreams();
        ObjectNode root = JSON.createObjectNode().put("version", BuildInfo.VERSION)
                .put("now", Readiness.time(now)).put("startedAt", Readiness.time(startedAt))
                .put("uptimeSeconds", Duration.between(startedAt, now).toSeconds());
        ObjectNode totals = root.putObject("totals");
        totals.put("connections", connections.size())
                .put("entities", entities.size())
                .put("boundEntities", entities.stream().filter(r -> bus.boundLink(r.entityId()).isPresent()).count())
                .put("stored", stored.count())
                .put("inflight", connections.stream().mapToLong(ConnectionView::inflight).sum())
                .put("upstreams", upstreams.size())
                .put("upstreamsDown", upstreams.stream().filter(u -> !u.health().up()).count());
        ArrayNode bs = root.putArray("bindings");
        for (Binding binding : bindings) {
            ObjectNode n = bs.addObject().put("name", binding.name()).put("ready", binding.isReady());
            ObjectNode l = n.putObject("listeners");
            binding.boundListeners().forEach((name, uri) -> l.put(name, uri.toString()));
        }
        upstreams(root.putArray("upstreams"), upstreams);
        ObjectNode pages = root.putObject("pages");
        ArrayNode cs = root.putArray("connections");
        for (ConnectionView c : page(pages.putObject("connections"), query.connections(), connections,
                CONNECTION_COLUMNS, StatusReport::connectionText)) {
            ObjectNode n = cs.addObject().put("id", c.id()).put("binding", c.binding())
                    .put("remoteAddress", c.remoteAddress()).put("subprotocol", c.subprotocol())
                    .put("since", c.since() == null ? null : Readiness.time(c.since())).put("inflight", c.inflight());
            ArrayNode es = n.putArray("entities");
            int storedForIt = 0;
            for (String e : c.entities()) {
                es.add(e);
                storedForIt += stored.count(e);
            }
            n.put("stored", storedForIt);
        }
        ArrayNode es = root.putArray("entities");
        for (Registration r : page(pages.putObject("entities"), query.entities(), entities, ENTITY_COLUMNS,
                this::entityText)) {
            ObjectNode n = es.addObject().put("entityId", r.entityId()).put("kind", r.kind().name())
                    .put("upstream", r.upstream()).put("registeredAt", Readiness.time(r.registeredAt()))
                    .put("stored", stored.count(r.entityId()));
            bus.boundLink(r.entityId()).ifPresentOrElse(
                    link -> n.put("bound", true).put("link", link.id()),
                    () -> n.put("bound", false));
        }
        ObjectNode h = root.putObject("history").put("intervalSeconds", MetricsHistory.INTERVAL.toSeconds());
        ArrayNode samples = h.putArray("samples");
        for (MetricsHistory.Sample s : history.samples()) {
            ObjectNode n = samples.addObject().put("at", Readiness.time(s.at()))
                    .put("messagesPerSecond", round(s.messagesPerSecond())).put("connections", s.connections());
            if (s.meanLatencyMillis() == null) {
                n.putNull("latencyMs");
            } else {
                n.put("latencyMs", round(s.meanLatencyMillis()));
            }
        }
        return root;
    }

    private void upstreams(ArrayNode us, List<Upstream> upstreams) {
        Map<String, double[]> latency = latencyByUpstream(metrics);
        for (Upstream upstream : upstreams) {
            UpstreamHealth health = upstream.health();
            double[] countSum = latency.getOrDefault(upstream.name(), new double[2]);
            ObjectNode n = us.addObject().put("name", upstream.name()).put("binding", upstream.binding())
                    .put("cseId", upstream.cseId()).put("spId", upstream.spId())
                    .put("reachable", health.up())
                    .put("state", health.up() ? "UP" : "DOWN")
                    .put("reason", health.reason())
                    .put("since", health.since() == null ? null : Readiness.time(health.since()))
                    .put("requests", (long) countSum[0]);
            if (countSum[0] > 0) {
                n.put("meanLatencySeconds", countSum[1] / countSum[0]);
            } else {
                n.putNull("meanLatencySeconds");
            }
        }
    }

    private static final Map<String, Comparator<ConnectionView>> CONNECTION_COLUMNS = Map.of(
            "id", Comparator.comparing(ConnectionView::id, StatusReport::naturally),
            "remoteAddress", Comparator.comparing(c -> String.valueOf(c.remoteAddress()), StatusReport::naturally),
            "subprotocol", Comparator.comparing(c -> String.valueOf(c.subprotocol())),
            "entities", Comparator.comparing(c -> String.join(",", c.entities())),
            "since", Comparator.comparing(ConnectionView::since, Comparator.nullsFirst(Comparator.naturalOrder())),
            "inflight", Comparator.comparingInt(ConnectionView::inflight));

    private static final Map<String, Comparator<Registration>> ENTITY_COLUMNS = Map.of(
            "entityId", Comparator.comparing(Registration::entityId, StatusReport::naturally),
            "kind", Comparator.comparing(r -> r.kind().name()),
            "upstream", Comparator.comparing(Registration::upstream),
            "registeredAt", Comparator.comparing(Registration::registeredAt));

    private static String connectionText(ConnectionView c) {
        return c.id() + " " + c.remoteAddress() + " " + c.subprotocol() + " " + String.join(" ", c.entities());
    }

    private String entityText(Registration r) {
        return r.entityId() + " " + r.kind() + " " + r.upstream() + " "
                + bus.boundLink(r.entityId()).map(l -> l.id()).orElse("offline");
    }

    /**
     * Filters, sorts and cuts {@code all} as {@code page} asks, and describes the result in {@code meta}:
     * {@code total}, {@code matched}, {@code offset}, {@code limit}, {@code sort}, {@code order}, {@code q}.
     */
    private static <T> List<T> page(ObjectNode meta, StatusQuery.Page page, List<T> all,
                                    Map<String, Comparator<T>> columns, Function<T, String> text) {
        Predicate<T> matches = page.q().isEmpty() ? t -> true
                : t -> text.apply(t).toLowerCase(Locale.ROOT).contains(page.q());
        String sort = columns.containsKey(page.sort()) ? page.sort() : columns.keySet().stream().sorted()
                .findFirst().orElseThrow();
        Comparator<T> order = columns.get(sort);
        List<T> matched = new ArrayList<>(all.stream().filter(matches).toList());
        matched.sort(page.descending() ? order.reversed() : order);
        int from = Math.min(page.offset(), matched.size());
        int to = Math.min(matched.size(), from + page.limit());
        meta.put("total", all.size()).put("matched", matched.size()).put("offset", from).put("limit", page.limit())
                .put("sort", sort).put("order", page.descending() ? "desc" : "asc").put("q", page.q());
        return matched.subList(from, to);
    }

    /** Numbers inside names in numeric order: ws-9 before ws-10, 10.0.0.9 before 10.0.0.10. */
    static int naturally(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
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
