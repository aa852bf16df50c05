package org.m2mbridge.ws.message;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * What both ends of a oneM2M WebSocket (TS-0020 6.2) do with a whole message from the peer, the server session of a
 * device and the client session to an upstream CSE alike: decode it with the connection's codec and tell undecodable,
 * response and request apart; refuse a request without {@code rqi}; forward a request on the bus and answer it.
 * Each end keeps its own rules in between (frame type, rate, registration gate, in-flight limit).
 */
public final class PeerMessages {

    private PeerMessages() {
    }

    /**
     * Decodes one whole message and hands it on by kind; {@code responses} get the answers to requests this end sent
     * on the socket.
     */
    public static void receive(PrimitiveCodec codec, byte[] message, Consumer<DecodeResult.Failed> undecodable,
                               Consumer<ResponsePrimitive> responses, Consumer<RequestPrimitive> requests) {
        DecodeResult result = codec.decode(message);
        if (result instanceof DecodeResult.Failed failed) {
            undecodable.accept(failed);
            return;
        }
        Primitive primitive = ((DecodeResult.Decoded) result).primitive();
        if (primitive instanceof ResponsePrimitive response) {
            responses.accept(response);
        } else if (primitive instanceof RequestPrimitive request) {
            requests.accept(request);
        }
    }

    /** The 4000 answer for a request without {@code rqi} (docs/spec/primitives.md PRIM-1), or empty. */
    public static Optional<ResponsePrimitive> missingRqi(RequestPrimitive request) {
        if (request.rqi() == null || request.rqi().isEmpty()) {
            return Optional.of(ResponsePrimitive.error(request, ResponseStatusCode.BAD_REQUEST,
                    "request identifier parameter (rqi) is mandatory in a request"));
        }
        return Optional.empty();
    }

    /** The request's answer through the bus; a 5000 when the bus itself failed, never exceptionally. */
    public static CompletableFuture<ResponsePrimitive> forward(PrimitiveBus bus, RequestPrimitive request,
                                                               Ingress ingress) {
        return bus.send(request, ingress).handle((response, error) -> response != null ? response
                : ResponsePrimitive.error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR,
                        "bridge failed to forward the request"));
    }
}
