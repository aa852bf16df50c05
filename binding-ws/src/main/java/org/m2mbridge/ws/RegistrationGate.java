package org.m2mbridge.ws;

import java.util.Optional;
import org.m2mbridge.core.bus.EntityDirectory;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.RegistrationAdmission;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.Limit;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * The registration gate of TS-0020 7.4 on a WebSocket connection: the bus's {@link RegistrationAdmission} decides
 * what a device may send before and after it registered (its registration; RETRIEVE/DELETE of its own registration
 * resource, which a gateway sends before re-registering; anything once registered), and this gate does what that
 * means for the connection. The gate is per registered entity, not per connection: a request whose {@code fr} is
 * an entity registered through the bridge (or an ID below a registered CSE) re-identifies it and binds it to the
 * connection it came on (newest wins). Anything else is answered by the bridge and not forwarded.
 *
 * <p>Before all that, the connection's {@link OriginatorGrant} must allow the {@code fr} (TS-0020 8: on wss with
 * {@code ws.identities} the certificate names who may speak; 4103 otherwise, as ACME answers an originator without
 * privilege; 4106 with {@code ws.identityRefusalRsc}). On plain {@code ws} nothing proves that the sender of
 * {@code fr} is that entity: anyone who knows a registered AE-ID can claim it, the trust model of TS-0020 without
 * TLS (docs/security.md). A registration or re-identification that would put more than
 * {@code limits.maxEntitiesPerConnection} entities on one connection is answered 5000. Refusals are counted and
 * logged, rate-limited, by the admission.
 */
final class RegistrationGate {

    /** Forward ({@code refusal} empty) or answer with {@code refusal}, which the gate has counted already. */
    record Decision(Optional<ResponsePrimitive> refusal) {
        static final Decision FORWARD = new Decision(Optional.empty());

        static Decision refuse(ResponsePrimitive answer) {
            return new Decision(Optional.of(answer));
        }
    }

    private final PrimitiveBus bus;
    private final RegistrationAdmission admission;
    private final BridgeMetrics metrics;
    private final ResponseStatusCode identityRefusal;

    /** {@code identityRefusal}: 4103 or 4106 for an {@code fr} the certificate does not grant. */
    RegistrationGate(PrimitiveBus bus, RegistrationAdmission admission, BridgeMetrics metrics,
                     ResponseStatusCode identityRefusal) {
        this.bus = bus;
        this.metrics = metrics;
        this.admission = admission;
        this.identityRefusal = identityRefusal;
    }

    /** Decides on one request; a forwarded registration holds an entity slot the session frees when answered. */
    Decision decide(RequestPrimitive request, WsSession session) {
        String fr = request.fr();
        OriginatorGrant grant = session.grant();
        if (!grant.allows(fr)) {
            return Decision.refuse(admission.refused(request, identityRefusal, "identity",
                    fr == null || fr.isEmpty()
                            ? "an authenticated connection must name its originator (fr) in every request"
                            : "the client certificate (" + grant.holder() + ") does not grant originator '" + fr
                                    + "' (ws.identities)", session.id()));
        }
        if (fr != null && !request.isRegistration() && session.carries(fr)) {
            return Decision.FORWARD; // the common case, without a registry lookup
        }
        RegistrationAdmission.Decision admitted = admission.decide(request);
        switch (admitted.verdict()) {
            case REGISTRATION -> {
                // the bus binds the entity to this session once answered 2001
                return session.reserveEntitySlot() ? Decision.FORWARD : entityLimit(request, session);
            }
            case REGISTERED -> {
                String entity = admitted.entity().orElseThrow().entityId();
                if (!session.carries(entity)) {
                    if (!session.hasRoomForEntity()) {
                        return entityLimit(request, session);
                    }
                    // reconnect: registration outlives the socket
                    bus.reidentify(entity, session, EntityDirectory.Reidentify.TAKE_OVER);
                }
                return Decision.FORWARD;
            }
            case OWN_REGISTRATION -> {
                return Decision.FORWARD;
            }
            default -> {
                return Decision.refuse(admission.refused(request, admitted, session.id()));
            }
        }
    }

    private Decision entityLimit(RequestPrimitive request, WsSession session) {
        metrics.limitRefused(Limit.WS_ENTITIES_PER_CONNECTION);
        return Decision.refuse(ResponsePrimitive.error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR,
                "this connection already carries " + session.entityCount()
                        + " entities (limits.maxEntitiesPerConnection)", ResponseFlag.UO));
    }

    /**
     * The non-standard {@code X-M2M-Origin} upgrade header (ACME, tinyIoT; CR SDS-2024-0021) is only a hint: it
     * binds an entity that is registered but has no live connection, so requests waiting for it can flow before
     * its first request. An AE-ID and a CSE-ID ({@code /id-mn}, as ACME's MN-CSE sends it) are read by the same
     * rule as a request's {@code fr} ({@link RegistrationAdmission#registeredOriginator}). It never takes an entity
     * away from a live connection, and on an authenticated connection only names the certificate grants count.
     */
    void hint(String origin, WsSession session) {
        if (origin == null || origin.isBlank() || !session.grant().allows(origin.trim())) {
            return;
        }
        admission.registeredOriginator(origin)
                .filter(r -> session.hasRoomForEntity())
                .ifPresent(r -> bus.reidentify(r.entityId(), session, EntityDirectory.Reidentify.IF_UNBOUND));
    }
}
