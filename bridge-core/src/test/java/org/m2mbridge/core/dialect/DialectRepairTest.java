package org.m2mbridge.core.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;

/** The device dialect repairs of issue 15: each applies only where it should, and each is counted. */
class DialectRepairTest {
    private final BridgeMetrics metrics = new BridgeMetrics(new PrometheusRegistry());

    private static BridgeConfig config(String dialect) {
        return ConfigLoader.parse("""
                listeners:
                  ws: { port: 0, dialect: %s }
                upstreams:
                  - { name: acme, binding: http, url: "http://127.0.0.1:8080", cseId: /id-in, cseName: cse-in }
                  - { name: other, binding: http, url: "http://127.0.0.1:8081", cseId: /id-other, cseName: other-cb }
                  - { name: tiny, binding: http, url: "http://127.0.0.1:8082", cseId: /TinyIoT, cseName: TinyIoT }
                routes: { default: acme }
                """.formatted(dialect));
    }

    private DialectRepair repair(String dialect) {
        BridgeConfig c = config(dialect);
        return DialectRepair.of("ws", c.listeners().get("ws", ListenerConfig.class).dialect(), c, metrics);
    }

    private static RequestPrimitive retrieve(String to, String rvi) {
        return RequestPrimitive.builder().op(Operation.RETRIEVE).to(to).fr("Cae1").rqi("r1").rvi(rvi).build();
    }

    private static RequestPrimitive register(int ty, String root, boolean withSrv) {
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        ObjectNode res = pc.putObject(root).put("rn", "x");
        if (withSrv) {
            res.putArray("srv").add("4");
        }
        return RequestPrimitive.builder().op(Operation.CREATE).ty(ty).to("cse-in").fr("C").rqi("c1").rvi("3")
                .pc(pc).build();
    }

    private double repairs(String repair) {
        return metrics.dialectRepairs.collect().getDataPoints().stream()
                .filter(d -> d.getLabels().get("repair").equals(repair))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
    }

    @Test
    void withoutADialectNothingChanges() {
        DialectRepair none = repair("{}");
        assertSame(DialectRepair.NONE, none);
        assertFalse(none.isActive());
        RequestPrimitive r = retrieve("/cse-in/ae", null);
        assertSame(r, none.repair(r, none.notes("c")));
    }

    @Test
    void aMissingRviGetsTheDefaultAndAPresentOneIsKept() {
        DialectRepair rvi = repair("{ defaultRvi: \"2a\" }");
        DialectRepair.Notes notes = rvi.notes("ws-1");
        assertEquals("2a", rvi.repair(retrieve("cse-in", null), notes).rvi());
        assertEquals("2a", rvi.repair(retrieve("cse-in", ""), notes).rvi());
        RequestPrimitive withRvi = retrieve("cse-in", "3");
        assertSame(withRvi, rvi.repair(withRvi, notes));
        assertEquals(2.0, repairs("rvi"));
        assertEquals("/cse-in", rvi.repair(retrieve("/cse-in", null), notes).to(), "no other repair switched on");
    }

    @Test
    void aSlashedCseBaseNameBecomesTheAddressTheDeviceMeant() {
        DialectRepair to = repair("{ slashedCseBaseName: true }");
        DialectRepair.Notes notes = to.notes("ws-1");
        assertEquals("cse-in", to.repair(retrieve("/cse-in", "3"), notes).to());
        assertEquals("cse-in/THYME1/led", to.repair(retrieve("/cse-in/THYME1/led", "3"), notes).to());
        // another upstream than the default route's: named by its CSE-ID so the route table still finds it
        assertEquals("/id-other/other-cb/ae", to.repair(retrieve("/other-cb/ae", "3"), notes).to());
        for (String kept : new String[] {"cse-in/ae", "/id-in/cse-in/ae", "//sp.example/cse-in/ae", "/cse-inx/ae",
                "/TinyIoT/ae", "Cae1"}) {
            assertEquals(kept, to.repair(retrieve(kept, "3"), notes).to(), kept);
        }
        assertEquals(3.0, repairs("to"));
    }

    @Test
    void aRegistrationWithoutSrvGetsTheDefaultOne() {
        DialectRepair srv = repair("{ defaultSrv: [\"2a\", \"3\"] }");
        DialectRepair.Notes notes = srv.notes("ws-1");
        assertEquals("[\"2a\",\"3\"]", srv.repair(register(2, "m2m:ae", false), notes).pc().path("m2m:ae")
                .path("srv").toString());
        assertEquals("[\"2a\",\"3\"]", srv.repair(register(16, "m2m:csr", false), notes).pc().path("m2m:csr")
                .path("srv").toString());
        RequestPrimitive own = register(2, "m2m:ae", true);
        assertSame(own, srv.repair(own, notes), "its own srv is kept");
        RequestPrimitive container = register(3, "m2m:cnt", false);
        assertSame(container, srv.repair(container, notes), "not a registration");
        assertEquals(2.0, repairs("srv"));
    }
}
