package org.m2mbridge.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.bus.Origin;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Requests from upstream CSEs to entities registered through the bridge (TS-0009 as the HTTP server side,
 * {@code listeners.http}): {@code POST <notificationPath>/<token>[/...]} is addressed to the entity that token
 * stands for (the poa the bus announced for it); any other path is a oneM2M target read by the reverse path rule
 * (TS-0009 6.2.2.1). The request goes on the bus as coming from UPSTREAM.
 */
final class CseRequestRoute implements PrimitiveHttpHandler.Route {
    private final PrimitiveBus bus;
    private final BridgeMetrics metrics;
    private final String notificationPrefix;

    CseRequestRoute(PrimitiveBus bus, BridgeMetrics metrics, String notificationPath) {
        this.bus = bus;
        this.metrics = metrics;
        this.notificationPrefix = notificationPath + "/";
    }

    @Override
    public CompletableFuture<ResponsePrimitive> route(RequestPrimitive request, HttpRequestMessage message,
                                                      String peer) {
        String path = TargetPath.decode(message.path());
        RequestPrimitive addressed;
        if (path.startsWith(notificationPrefix)) {
            String token = path.substring(notificationPrefix.length()).split("/", 2)[0];
            Optional<Registration> entity = bus.registry().byToken(token);
            if (entity.isEmpty()) {
                metrics.rejected(RejectReason.UNKNOWN_TARGET);
                return CompletableFuture.completedFuture(ResponsePrimitive.error(request, ResponseStatusCode.NOT_FOUND,
                        "no entity is registered through this bridge under that notification URL"));
            }
            addressed = request.toBuilder().to(entity.get().entityId()).build();
        } else {
            addressed = verificationTarget(request);
        }
        return bus.send(addressed, Origin.upstream("http", sender(addressed, peer)));
    }

    /**
     * Who sent it, for the access line's {@code conn=}: the upstream the addressed entity registered through (the
     * CSE that notifies it), else the client's address.
     */
    private String sender(RequestPrimitive addressed, String peer) {
        return bus.findEntity(addressed.to()).map(Registration::upstream).orElse(peer);
    }

    /**
     * tinyIoT sends the subscription verification request (vrq) to the subscribed resource's path instead of the
     * notification URL; the subscription's creator ({@code m2m:sgn.cr}) is the entity it is meant for.
     */
    private RequestPrimitive verificationTarget(RequestPrimitive request) {
        if (request.op() != Operation.NOTIFY || request.pc() == null || bus.findEntity(request.to()).isPresent()) {
            return request;
        }
        JsonNode sgn = request.pc().path("m2m:sgn");
        if (sgn.path("vrq").asBoolean(false) && sgn.hasNonNull("cr")) {
            String creator = sgn.get("cr").asText();
            if (bus.findEntity(creator).isPresent()) {
                return request.toBuilder().to(creator).build();
            }
        }
        return request;
    }
}
