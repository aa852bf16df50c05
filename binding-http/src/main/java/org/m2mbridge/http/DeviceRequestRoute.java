package org.m2mbridge.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.EntityDirectory;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.dialect.DialectRepair;
import org.m2mbridge.core.bus.RegistrationAdmission;
import org.m2mbridge.core.primitive.RegistrationContent;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * Requests from devices that speak HTTP (TS-0009) to the bridge as to their registrar ({@code listeners.deviceHttp}):
 * each passes the registration gate ({@link RegistrationAdmission}, the same rule as on a WebSocket, TS-0020 7.4),
 * then goes on the bus as coming from DOWNSTREAM and is routed upstream by the route table.
 * <ul>
 *   <li>A registration (CREATE {@code <AE>} ty=2 or {@code <remoteCSE>} ty=16) whose {@code poa} has an http(s)
 *       URL comes from {@link HttpDeviceLink}, so the bus binds the new entity to it on 2001 and requests for it
 *       (notifications) are sent to that URL. Without such a poa the entity is registered but not bound: requests
 *       for it are stored or answered 5103 as store-and-forward says.</li>
 *   <li>A request whose {@code fr} is a registered entity with an http(s) poa but no link (a bridge restart keeps
 *       registrations, not bindings) binds it first, which delivers what was stored meanwhile. An entity bound
 *       elsewhere (e.g. a WebSocket) is left there.</li>
 *   <li>An originator not registered yet may only RETRIEVE or DELETE its own registration resource; anything
 *       else is answered 4103 (4000 without {@code fr}) by the bridge.</li>
 * </ul>
 * HTTP has no connection that proves who speaks (as plain ws, TS-0020 8): a registered {@code fr} is trusted, and
 * the upstream CSE's access control decides the rest (docs/security.md).
 */
final class DeviceRequestRoute implements PrimitiveHttpHandler.Route {
    private final PrimitiveBus bus;
    private final RegistrationAdmission admission;
    private final HttpDeviceLink devices;
    private final DialectRepair dialect;
    /** HTTP has no connection to note repairs per: they are logged once per listener. */
    private final DialectRepair.Notes dialectNotes;

    DeviceRequestRoute(PrimitiveBus bus, RegistrationAdmission admission, HttpDeviceLink devices,
                       DialectRepair dialect) {
        this.bus = bus;
        this.admission = admission;
        this.devices = devices;
        this.dialect = dialect;
        this.dialectNotes = dialect.notes("deviceHttp");
    }

    @Override
    public CompletableFuture<ResponsePrimitive> route(RequestPrimitive received, HttpRequestMessage message,
                                                      String peer) {
        RequestPrimitive request = dialect.repair(received, dialectNotes); // listeners.deviceHttp.dialect
        Ingress ingress = new Ingress(Ingress.Side.DOWNSTREAM, devices.binding(), peer, null);
        RegistrationAdmission.Decision admitted = admission.decide(request);
        switch (admitted.verdict()) {
            case REGISTRATION -> {
                if (HttpDeviceLink.httpPoa(poaOf(request)).isPresent()) {
                    ingress = Ingress.downstream(devices);
                }
            }
            case REGISTERED -> rebind(admitted.entity().orElseThrow());
            case OWN_REGISTRATION -> {
                // forwarded as is; nothing to bind before the registrar answers a registration
            }
            default -> {
                ResponsePrimitive refusal = admission.refused(request, admitted, "deviceHttp " + peer);
                bus.answeredLocally(request, ingress, refusal);
                return CompletableFuture.completedFuture(refusal);
            }
        }
        return bus.send(request, ingress);
    }

    @Override
    public void notMapped(ResponsePrimitive answer, String peer) {
        bus.answeredLocally(null, new Ingress(Ingress.Side.DOWNSTREAM, devices.binding(), peer, null), answer);
    }

    private void rebind(Registration entity) {
        if (HttpDeviceLink.httpPoa(entity.originalPoa()).isPresent()) {
            bus.reidentify(entity.entityId(), devices, EntityDirectory.Reidentify.IF_UNBOUND);
        }
    }

    /** {@code poa} of the {@code m2m:ae} or {@code m2m:csr} being created. */
    private static List<String> poaOf(RequestPrimitive request) {
        return RegistrationContent.of(request.pc()).map(RegistrationContent::pointOfAccess).orElseGet(ArrayList::new);
    }
}
