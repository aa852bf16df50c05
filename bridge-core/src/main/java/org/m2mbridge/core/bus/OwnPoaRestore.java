package org.m2mbridge.core.bus;

import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * An entity registered through the bridge that reads (or updates) its own {@code <AE>}/{@code <remoteCSE>} sees
 * its own {@code poa} in the answer, not the bridge's rewrite (docs/spec/http.md HTTP-N-2), as the registration's
 * answer
 * already shows it. Others reading the resource see the bridge's poa, which is how they can reach it.
 */
final class OwnPoaRestore implements ResponseFilter {
    private final EntityDirectory directory;

    OwnPoaRestore(EntityDirectory directory) {
        this.directory = directory;
    }

    @Override
    public ResponsePrimitive apply(RequestPrimitive request, Ingress ingress, ResponsePrimitive response) {
        boolean read = request.op() == Operation.RETRIEVE && response.rsc() == ResponseStatusCode.OK.code()
                || request.op() == Operation.UPDATE && response.rsc() == ResponseStatusCode.UPDATED.code();
        if (!read || response.pc() == null || request.fr() == null
                || PointOfAccessRewrite.resource(response.pc()).isEmpty()) {
            return response;
        }
        // Also when the upstream shows no poa: the bridge may have announced none (a WebSocket upstream).
        boolean shown = PointOfAccessRewrite.hasPoa(response.pc());
        return directory.registration(request.fr())
                .filter(own -> shown || !own.originalPoa().isEmpty())
                .filter(own -> RegistrationExchange.addressesResource(request.to(), own))
                .map(own -> response.toBuilder().pc(PointOfAccessRewrite.restore(response.pc(), own.originalPoa(),
                        PointOfAccessRewrite.rrOf(response.pc()))).build())
                .orElse(response);
    }
}
