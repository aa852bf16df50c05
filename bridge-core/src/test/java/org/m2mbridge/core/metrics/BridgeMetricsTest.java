package org.m2mbridge.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.primitive.Operation;

class BridgeMetricsTest {

    @Test
    void everyValueOfAFixedLabelSetIsWrittenAtZeroFromTheStart() {
        BridgeMetrics m = new BridgeMetrics(new PrometheusRegistry());
        assertEquals(labels(RejectReason.values()), values(m.rejectedRequests.collect(), "reason"));
        assertEquals(labels(Limit.values()), values(m.limitRefusals.collect(), "limit"));
        assertEquals(labels(StoreRefusal.values()), values(m.storeRefused.collect(), "reason"));
        assertEquals(labels(StoreDrop.values()), values(m.storeDropped.collect(), "reason"));
        assertEquals(labels(HandshakeRefusal.values()), values(m.handshakeRefusals.collect(), "reason"));
        assertEquals(labels(DeregistrationReason.values()), values(m.deregistrations.collect(), "reason"));

        m.upstreamConfigured("in-cse");
        assertEquals(labels(UpstreamErrorKind.values()), values(m.upstreamErrors.collect(), "kind"));
        m.connectionsOf("ws");
        assertEquals(labels(CloseReason.values()), values(m.connectionsClosed.collect(), "reason"));
        m.bindingStarted("mqtt");
        Set<String> ops = values(m.primitives.collect(), "op");
        assertEquals(labels(OpLabel.values()), ops);
        assertTrue(m.primitives.collect().getDataPoints().stream().allMatch(p -> p.getValue() == 0));
    }

    @Test
    void oneSpellingPerValue() {
        assertEquals("none", RscClass.NONE.label());
        assertEquals("4xxx", RscClass.of(4103).label());
        assertEquals("other", RscClass.of(42).label());
        assertEquals("unknown", OpLabel.of((Operation) null).label());
        assertEquals("notify", OpLabel.of(Operation.NOTIFY).label());
        assertEquals("ws_entities_per_connection", Limit.WS_ENTITIES_PER_CONNECTION.label());
        assertEquals(CloseReason.PONG_TIMEOUT, CloseReason.ofOwnClose(1011));
        assertEquals(CloseReason.SHUTDOWN, CloseReason.ofOwnClose(1001));
        assertEquals(CloseReason.TOO_BIG, CloseReason.ofOwnClose(1009));
    }

    @Test
    void upstreamUpFollowsTheReachabilityItIsGiven() {
        PrometheusRegistry registry = new PrometheusRegistry();
        BridgeMetrics m = new BridgeMetrics(registry);
        m.registerUpstreamUp(() -> Map.of("a", true, "b", false));
        Map<String, Double> up = new java.util.TreeMap<>();
        registry.scrape().stream().filter(s -> s.getMetadata().getPrometheusName().equals("m2mbridge_upstream_up"))
                .flatMap(s -> s.getDataPoints().stream())
                .forEach(p -> up.put(p.getLabels().get("upstream"),
                        ((io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot) p).getValue()));
        assertEquals(Map.of("a", 1.0, "b", 0.0), up);
    }

    private static Set<String> labels(LabelValue[] values) {
        Set<String> out = new TreeSet<>();
        for (LabelValue v : values) {
            out.add(v.label());
        }
        return out;
    }

    private static Set<String> values(CounterSnapshot snapshot, String label) {
        Set<String> out = new TreeSet<>();
        snapshot.getDataPoints().forEach(p -> out.add(p.getLabels().get(label)));
        return out;
    }
}
