package org.m2mbridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/** The {@code <CSEBase>} poa rewrite is for WebSocket devices only (docs/spec/websocket.md WS-POA-1). */
class CseBasePoaFilterTest {
    private final CseBasePoaFilter filter = new CseBasePoaFilter("ws", "ws://bridge:8080", true);
    private final RequestPrimitive retrieve = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in")
            .fr("Cae1").rqi("r1").build();

    private ResponsePrimitive cseBase() {
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        pc.putObject("m2m:cb").put("csi", "/id-in").putArray("poa").add("http://cse:8080");
        return ResponsePrimitive.builder(2000, "r1").pc(pc).build();
    }

    @Test
    void aWebSocketDeviceSeesTheBridgesPointOfAccess() {
        ResponsePrimitive r = filter.apply(retrieve, new Ingress(Ingress.Side.DOWNSTREAM, "ws", "ws-1", null), cseBase());
        assertEquals("[\"ws://bridge:8080\"]", r.pc().at("/m2m:cb/poa").toString());
    }

    @Test
    void httpAndMqttDevicesSeeTheCseBaseAsTheirRegistrarWroteIt() {
        for (String binding : new String[] {"http", "mqtt"}) {
            ResponsePrimitive original = cseBase();
            assertSame(original, filter.apply(retrieve,
                    new Ingress(Ingress.Side.DOWNSTREAM, binding, binding + "-1", null), original), binding);
        }
    }
}
