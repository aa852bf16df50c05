package org.m2mbridge.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.ResponseFilter;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RegistrationContent;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Advertises the bridge's WebSocket point of access in a {@code <CSEBase>} retrieved through it by a WebSocket
 * device (TS-0020 7.2.1, R3 6.2.1, docs/spec/websocket.md WS-POA-1: a WS-capable CSE lists {@code ws://host:port}
 * in its {@code poa}). A device that came over HTTP or MQTT gets the {@code <CSEBase>} as its registrar wrote it:
 * the WebSocket point of access is nothing it asked for. With {@code onlyBridge} the upstream's
 * own points of access are dropped: ACME as MN-CSE sends transit requests to the poa it read from its registrar's
 * CSEBase, which would bypass the bridge (docs/spec/peers.md PEER-WS-4).
 */
final class CseBasePoaFilter implements ResponseFilter {
    private final String bridgePoa;
    private final boolean onlyBridge;

    private final String binding;

    /** {@code binding}: the WebSocket binding's name, the only ingress this filter rewrites for. */
    CseBasePoaFilter(String binding, String bridgePoa, boolean onlyBridge) {
        this.binding = binding;
        this.bridgePoa = bridgePoa;
        this.onlyBridge = onlyBridge;
    }

    @Override
    public ResponsePrimitive apply(RequestPrimitive request, Ingress ingress, ResponsePrimitive response) {
        if (!ingress.binding().equals(binding) || ingress.side() != Ingress.Side.DOWNSTREAM
                || request.op() != Operation.RETRIEVE || response.rsc() != ResponseStatusCode.OK.code()
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
