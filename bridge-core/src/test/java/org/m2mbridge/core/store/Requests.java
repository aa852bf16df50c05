package org.m2mbridge.core.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;

/** Sample requests for store tests. */
final class Requests {
    private Requests() {
    }

    /** A Notify from the upstream CSE with a content of about {@code padding} bytes. */
    static RequestPrimitive notify(String to, String rqi, int padding) {
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        ObjectNode sgn = pc.putObject("m2m:sgn");
        sgn.put("sur", "/id-in/sub1");
        sgn.putObject("nev").put("net", 3).put("rep", "x".repeat(padding));
        return RequestPrimitive.builder().op(Operation.NOTIFY).to(to).fr("/id-in").rqi(rqi).rvi("3").pc(pc).build();
    }

    static RequestPrimitive notify(String to, String rqi) {
        return notify(to, rqi, 10);
    }
}
