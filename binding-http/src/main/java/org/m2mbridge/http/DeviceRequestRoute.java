package org.m2mbridge.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.bus.Origin;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.dialect.DialectRepair;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * Requests from devices that speak HTTP (TS-0009) to the bridge as to their registrar ({@code listeners.deviceHttp}):
 * each goes on the bus as coming from DOWNSTREAM and is routed upstream by the route table.
 * <ul>
 *   <li>A registration (CREATE {@code <AE>} ty=2 or {@code <remoteCSE>} ty=16) whose {@code poa} has an http(s)
 *       URL comes from {@link HttpDeviceLink}, so the bus binds the new entity to it on 2001 and requests for it
 *       (notifications) are sent to that URL. Without such a poa the entity is registered but not bound: requests
 *       for it are stored or answered 5103 as store-and-forward says.</li>
 *   <li>Any other request whose {@code fr} is a registered entity with an http(s) poa but no link (a bridge
 *       restart keeps registrations, not bindings) binds it first, which delivers what was stored meanwhile. An
 *       entity bound elsewhere (e.g. a WebSocket) is left there.</li>
 * </ul>
 * HTTP has no connection that proves who speaks (as plain ws, TS-0020 8): requests are forwarded whatever their
 * {@code fr}, and the upstream CSE's access control decides.
 */
final class DeviceRequestRoute implements PrimitiveHttpHandler.Route {
    private final PrimitiveBus bus;
    private final HttpDeviceLink devices;
    private final DialectRepair dialect;
    /** HTTP has no connection to note repairs per: they are logged once per listener. */
    private final DialectRepair.Notes dialectNotes;

    DeviceRequestRoute(PrimitiveBus bus, HttpDeviceLink devices, DialectRepair dialect) {
        this.bus = bus;
        this.devices = devices;
        this.dialect = dialect;
        this.dialectNotes = dialect.notes("deviceHttp");
    }

    @Override
    public CompletableFuture<ResponsePrimitive> route(RequestPrimitive received, HttpRequestMessage message,
                                                      String peer) {
        RequestPrimitive request = dialect.repair(received, dialectNotes); // listeners.deviceHttp.dialect
        Origin origin = new Origin(Origin.Side.DOWNSTREAM, devices.binding(), peer, null);
        if (request.isRegistration()) {
            if (HttpDeviceLink.httpPoa(poaOf(request)).isPresent()) {
                origin = Origin.downstream(devices);
            }
        } else {
            rebind(request.fr());
        }
        return bus.send(request, origin);
    }

    private void rebind(String fr) {
        if (fr == null || fr.isEmpty()) {
            return;
        }
        Optional<Registration> entity = bus.registry().byEntityId(fr).or(() -> bus.findEntity(fr));
        entity.filter(r -> bus.boundLink(r.entityId()).isEmpty())
                .filter(r -> HttpDeviceLink.httpPoa(r.originalPoa()).isPresent())
                .ifPresent(r -> bus.bind(r.entityId(), devices));
    }

    /** {@code poa} of the {@code m2m:ae} or {@code m2m:csr} being created. */
    private static List<String> poaOf(RequestPrimitive request) {
        List<String> out = new ArrayList<>();
        if (request.pc() == null) {
            return out;
        }
        String key = request.ty() == ResourceType.REMOTE_CSE.code() ? "m2m:csr" : "m2m:ae";
        JsonNode poa = request.pc().path(key).path("poa");
        if (poa.isArray()) {
            poa.forEach(p -> out.add(p.asText()));
        } else if (poa.isTextual()) {
            out.add(poa.asText());
        }
        return out;
    }
}
