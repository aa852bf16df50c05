package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.testing.ScriptedUpstream;

class RouteTableTest {
    private final ScriptedUpstream in = new ScriptedUpstream("in-cse", "/id-in");
    private final ScriptedUpstream other = new ScriptedUpstream("other", "/id-other");
    private final RouteTable table = new RouteTable(List.of(new RouteTable.Rule("/id-mn", "other")), "in-cse");

    private String route(String to) {
        return table.resolve(to, List.of(in, other)).orElse(null);
    }

    @Test
    void cseRelativeGoesToTheDefault() {
        assertEquals("in-cse", route("cse-in/ae1"));
        assertEquals("in-cse", route("-/ae1"));
        assertEquals("in-cse", route(null));
    }

    @Test
    void spRelativeAndAbsoluteGoToTheUpstreamTheyName() {
        assertEquals("other", route("/id-other/cse/x"));
        assertEquals("other", route("/id-other"));
        assertEquals("other", route("//test.example/id-other/cse"));
        assertEquals("in-cse", route("//elsewhere.example/id-other/cse"), "other SP: default route");
        assertEquals("in-cse", route("/id-otherwise/x"), "prefix must end at a segment boundary");
    }

    @Test
    void rulesComeFirst() {
        assertEquals("other", route("/id-mn/cse-mn/cnt"));
        assertEquals("in-cse", route("/id-mnx/cse"));
    }

    @Test
    void noDefaultAndNoMatchIsEmpty() {
        assertEquals(java.util.Optional.empty(), new RouteTable(List.of(), null).resolve("cse-in", List.of(in)));
    }
}
