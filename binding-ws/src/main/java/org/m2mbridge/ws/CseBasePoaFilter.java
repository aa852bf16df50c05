package org.m2mbridge.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.m2mbridge.core.bus.ResponseFilter;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RegistrationContent;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Advertises the bridge's WebSocket point of access in a {@code <CSEBase>} retrieved through it (TS-0020 7.2.1,
 * R3 6.2.1: a WS-capable CSE lists {@code ws://host:port} in its {@code poa}). With {@code onlyBridge} the upstream's
 * own points of access are dropped: ACME as MN-CSE sends transit requests to the poa it read from its registrar's
 * CSEBase, which would bypass the bridge (docs/spec/peers.md PEER-WS-4).
 */
final class CseBasePoaFilter implements ResponseFilter {
    private final String bridgePoa;
    private final boolean onlyBridge;

    CseBasePoaFilter(String bridgePoa, boolean onlyBridge) {
        this.bridgePoa = bridgePoa;
        this.onlyBridge = onlyBridge;
    }

    @Override
    public ResponsePrimitive apply(RequestPrimitive request, ResponsePrimitive response) {
        if (request.op() != Operation.RETRIEVE || response.rsc() != ResponseStatusCode.OK.code()
                || response.pc() == null || !(response.pc().get(ResourceType.CSE_BASE.rootName()) instanceof ObjectNode)) {
            return response;
        }
        ObjectNode pc = response.pc().deepCopy();
        ObjectNode cb = (ObjectNode) pc.get(ResourceType.CSE_BASE.rootName());
        JsonNode upstreamPoa = cb.get(RegistrationContent.POA);
        ArrayNode poa = cb.putArray(RegistrationContent.POA);
        poa.add(bridgePoa);
        if (!onlyBridge && upstreamPoa != null && upstreamPoa.isArray()) {
            upstreamPoa.forEach(p -> {
                if (!p.asText().equals(bridgePoa)) {
                    poa.add(p);
                }
            });
        }
        return response.toBuilder().pc(pc).build();
    }
}
