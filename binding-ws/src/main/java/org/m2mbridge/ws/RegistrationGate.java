package org.m2mbridge.ws;

import java.util.Optional;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.Limit;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * The registration gate of TS-0020 7.4 and ws-binding.md 8: before an entity is registered, only its registration
 * (CREATE {@code <AE>} / {@code <remoteCSE>}) passes. The gate is per registered entity, not per connection
 * (seed 6.2 step 15): a request whose {@code fr} is an entity registered through the bridge re-identifies it and
 * binds it to the connection it came on (newest wins). Anything else is answered by the bridge and not forwarded.
 *
 * <p>Before all that, the connection's {@link OriginatorGrant} must allow the {@code fr} (TS-0020 8: on wss with
 * {@code ws.identities} the certificate names who may speak; 4103 otherwise, as ACME answers an originator without
 * privilege; 4106 with {@code ws.identityRefusalRsc}, ws-binding.md 8 step 8). On plain {@code ws} nothing proves that the sender of {@code fr} is that entity: anyone who knows a
 * registered AE-ID can claim it, the trust model of TS-0020 without TLS (seed 8: a secure environment only).
 * A registration or re-identification that would put more than {@code limits.maxEntitiesPerConnection} entities
 * on one connection is answered 5000.
 */
final class RegistrationGate {

    /**
     * Forward ({@code refusal} empty) or answer with {@code refusal} and {@code reason}, counted under
     * {@code rejected} ({@code m2mbridge_rejected_requests_total}) or {@code limit}
     * ({@code m2mbridge_limit_refusals_total}).
     */
    record Decision(Optional<ResponseStatusCode> refusal, String reason, RejectReason rejected, Limit limit) {
        static final Decision FORWARD = new Decision(Optional.empty(), null, null, null);

        static Decision refuse(ResponseStatusCode code, RejectReason counter, String reason) {
            return new Decision(Optional.of(code), reason, counter, null);
        }

        static Decision overLimit(Limit limit, String reason) {
            return new Decision(Optional.of(ResponseStatusCode.INTERNAL_SERVER_ERROR), reason, null, limit);
        }

        /** Counts the refusal. */
        void count(BridgeMetrics metrics) {
            if (limit != null) {
                metrics.limitRefused(limit);
            } else if (rejected != null) {
                metrics.rejected(rejected);
            }
        }
    }

    private final PrimitiveBus bus;
    private final ResponseStatusCode identityRefusal;

    /** {@code identityRefusal}: 4103 or 4106 for an {@code fr} the certificate does not grant. */
    RegistrationGate(PrimitiveBus bus, ResponseStatusCode identityRefusal) {
        this.bus = bus;
        this.identityRefusal = identityRefusal;
    }

    /** Decides on one request; a forwarded registration holds an entity slot the session frees when answered. */
    Decision decide(RequestPrimitive request, WsSession session) {
        String fr = request.fr();
        OriginatorGrant grant = session.grant();
        if (!grant.allows(fr)) {
            return Decision.refuse(identityRefusal, RejectReason.IDENTITY,
                    fr == null || fr.isEmpty()
                            ? "an authenticated connection must name its originator (fr) in every request"
                            : "the client certificate (" + grant.holder() + ") does not grant originator '" + fr
                                    + "' (ws.identities)");
        }
        if (request.isRegistration()) {
            // the bus binds the entity to this session once answered 2001
            return session.reserveEntitySlot() ? Decision.FORWARD : entityLimit(session);
        }
        if (fr == null || fr.isEmpty()) {
            // TS-0004 7.3.2.1: From is mandatory except in an AE CREATE (ws-binding.md I9).
            return Decision.refuse(ResponseStatusCode.BAD_REQUEST, RejectReason.BAD_REQUEST,
                    "originator (fr) is mandatory in this request");
        }
        if (session.carries(fr)) {
            return Decision.FORWARD;
        }
        Optional<Registration> registered = bus.registry().byEntityId(fr).or(() -> bus.findEntity(fr));
        if (registered.isPresent()) {
            if (!session.hasRoomForEntity()) {
                return entityLimit(session);
            }
            bus.bind(registered.get().entityId(), session); // reconnect: registration outlives the socket
            return Decision.FORWARD;
        }
        // ACME answers 4103 here; TS-0004 would allow 4106 too (ws-binding.md 8, gate step 4).
        return Decision.refuse(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE, RejectReason.NOT_REGISTERED,
                "originator '" + fr + "' is not registered through this bridge: register (CREATE <AE>) first");
    }

    private static Decision entityLimit(WsSession session) {
        return Decision.overLimit(Limit.WS_ENTITIES_PER_CONNECTION, "this connection already carries " + session.entityCount()
                + " entities (limits.maxEntitiesPerConnection)");
    }

    /**
     * The non-standard {@code X-M2M-Origin} upgrade header (ACME, tinyIoT; CR SDS-2024-0021) is only a hint: it
     * binds an entity that is registered but has no live connection, so notifications waiting for it can flow
     * before its first request. It never takes an entity away from a live connection, and on an authenticated
     * connection only names the certificate grants count.
     */
    void hint(String origin, WsSession session) {
        if (origin == null || origin.isBlank() || !session.grant().allows(origin.trim())) {
            return;
        }
        bus.registry().byEntityId(origin.trim())
                .filter(r -> bus.boundLink(r.entityId()).isEmpty())
                .filter(r -> session.hasRoomForEntity())
                .ifPresent(r -> bus.bind(r.entityId(), session));
    }
}
