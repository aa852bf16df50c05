package org.m2mbridge.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.bus.EntityDirectory;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Requests from upstream CSEs to entities registered through the bridge (TS-0009 as the HTTP server side,
 * {@code listeners.http}): {@code <notificationPath>/<token>[/rest][?query]} goes to the entity that token stands
 * for (the poa the bus announced for it), with the target the rest names ({@link NotificationTarget}: the entity
 * itself, or a resource below an MN-CSE such as {@code /~/id-mn/cse-mn/ae1}); the query carries the request's
 * parameters as on any TS-0009 request. Any other path is a oneM2M target read by the reverse path rule
 * (TS-0009 6.2.2.1). The request goes on the bus as coming from UPSTREAM.
 */
final class CseRequestRoute implements PrimitiveHttpHandler.Route {
    private final PrimitiveBus bus;
    private final EntityDirectory directory;
    private final BridgeMetrics metrics;
    private final String notificationPrefix;

    CseRequestRoute(PrimitiveBus bus, EntityDirectory directory, BridgeMetrics metrics, String notificationPath) {
        this.bus = bus;
        this.directory = directory;
        this.metrics = metrics;
        this.notificationPrefix = notificationPath + "/";
    }

    @Override
    public CompletableFuture<ResponsePrimitive> route(RequestPrimitive request, HttpRequestMessage message,
                                                      String peer) {
        String path = TargetPath.decode(message.path());
        if (!path.startsWith(notificationPrefix)) {
            RequestPrimitive addressed = verificationTarget(request);
            return bus.send(addressed, Ingress.upstream("http", sender(addressed, peer)));
        }
        String tokenAndRest = path.substring(notificationPrefix.length());
        int slash = tokenAndRest.indexOf('/');
        String token = slash < 0 ? tokenAndRest : tokenAndRest.substring(0, slash);
        Optional<Registration> entity = directory.byToken(token);
        if (entity.isEmpty()) {
            metrics.rejected(RejectReason.UNKNOWN_TARGET);
            return answeredLocally(request, peer, ResponsePrimitive.error(request, ResponseStatusCode.NOT_FOUND,
                    "no entity is registered through this bridge under that notification URL", ResponseFlag.NR));
        }
        Optional<String> to = NotificationTarget.to(slash < 0 ? "" : tokenAndRest.substring(slash), entity.get());
        if (to.isEmpty()) {
            metrics.rejected(RejectReason.BAD_REQUEST);
            return answeredLocally(request, peer, ResponsePrimitive.error(request, ResponseStatusCode.BAD_REQUEST,
                    "'" + path + "' names no target after /~ or /_ (TS-0009 6.2.2.1)", ResponseFlag.BR));
        }
        RequestPrimitive addressed = request.toBuilder().to(to.get() + partialRetrieve(request.to())).build();
        // the access line names the CSE the entity registered through (the one that notifies it), not a socket
        return bus.sendVia(entity.get().entityId(), addressed, Ingress.upstream("http", entity.get().upstream()));
    }

    @Override
    public void notMapped(ResponsePrimitive answer, String peer) {
        bus.answeredLocally(null, Ingress.upstream("http", peer), answer);
    }

    private CompletableFuture<ResponsePrimitive> answeredLocally(RequestPrimitive request, String peer,
                                                                 ResponsePrimitive answer) {
        bus.answeredLocally(request, Ingress.upstream("http", peer), answer);
        return CompletableFuture.completedFuture(answer);
    }

    /**
     * Who sent it, for the access line's {@code conn=}: the upstream the addressed entity registered through (the
     * CSE that notifies it), else the client's address.
     */
    private String sender(RequestPrimitive addressed, String peer) {
        return bus.findEntity(addressed.to()).map(Registration::upstream).orElse(peer);
    }

    /** The {@code #attr} suffix the mapping gave a partial RETRIEVE with one {@code atrl} name (TS-0009 6.2.2.2). */
    private static String partialRetrieve(String to) {
        int hash = to == null ? -1 : to.indexOf('#');
        return hash < 0 ? "" : to.substring(hash);
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
