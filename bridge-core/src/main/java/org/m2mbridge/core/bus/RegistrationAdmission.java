package org.m2mbridge.core.bus;

import java.util.Optional;
import java.util.function.Function;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * The registration gate's rule, written once for every device-facing binding (WebSocket, HTTP devices, MQTT
 * devices): which requests from a device the bridge forwards to the device's registrar (TS-0020 7.4; registration
 * of {@code <AE>} and {@code <remoteCSE>}, TS-0004 7.4.4, 7.4.5). The binding does what the verdict implies for
 * its own connection (bind the entity, reserve a slot) and answers a refusal itself.
 * <ul>
 *   <li>{@link Verdict#REGISTRATION}: a CREATE of {@code <AE>} or {@code <remoteCSE>}. The bus binds the entity
 *       to the connection once the registrar answers 2001.</li>
 *   <li>{@link Verdict#REGISTERED}: the originator is an entity registered through the bridge, or an ID below a
 *       registered CSE ({@code /id-mn/Cae1} for an MN-CSE, {@link #registeredOriginator}): forwarded, and it
 *       re-identifies that entity on this connection (a reconnect).</li>
 *   <li>{@link Verdict#OWN_REGISTRATION}: an originator not registered yet RETRIEVEs or DELETEs its own
 *       registration resource ({@link RegistrationResource}), as a gateway does before (re-)registering: ACME's
 *       MN-CSE first DELETEs {@code /id-in/cse-in/id-mn} and CREATEs its {@code <remoteCSE>} only after 2002 or
 *       4004. Forwarded; nothing is bound.</li>
 *   <li>{@link Verdict#REFUSED}: anything else. 4000 without an originator (TS-0004 7.3.2.1: From is mandatory
 *       except in an AE CREATE); 4103 otherwise (as ACME answers an originator without privilege), with a text
 *       that says what the originator must create: {@code <AE>}, or {@code <remoteCSE>} for a CSE-ID.</li>
 * </ul>
 * Refusals are counted ({@code m2mbridge_rejected_requests_total}) and logged, rate-limited ({@link GateRefusalLog}).
 */
public final class RegistrationAdmission {

    public enum Verdict { REGISTRATION, REGISTERED, OWN_REGISTRATION, REFUSED }

    /**
     * One decision.
     *
     * @param entity  for {@link Verdict#REGISTERED}: the registered entity the originator is (or is below)
     * @param refusal for {@link Verdict#REFUSED}: the answer's rsc
     * @param reason  for {@link Verdict#REFUSED}: the {@code m2mbridge_rejected_requests_total} reason
     * @param text    for {@link Verdict#REFUSED}: the answer's {@code m2m:dbg}
     */
    public record Decision(Verdict verdict, Optional<Registration> entity, ResponseStatusCode refusal, String reason,
                           String text) {
        static final Decision REGISTRATION = new Decision(Verdict.REGISTRATION, Optional.empty(), null, null, null);
        static final Decision OWN_REGISTRATION =
                new Decision(Verdict.OWN_REGISTRATION, Optional.empty(), null, null, null);

        public boolean refused() {
            return verdict == Verdict.REFUSED;
        }
    }

    static final String NOT_REGISTERED = "not_registered";
    static final String BAD_REQUEST = "bad_request";

    private final Function<String, Optional<Registration>> entities;
    private final BridgeMetrics metrics;
    private final GateRefusalLog log;

    /** {@code entities}: the bus's {@link Router#findEntity} (an expired registration is not found). */
    RegistrationAdmission(Function<String, Optional<Registration>> entities, BridgeMetrics metrics,
                          GateRefusalLog log) {
        this.entities = entities;
        this.metrics = metrics;
        this.log = log;
    }

    /** Decides on one request from a device. */
    public Decision decide(RequestPrimitive request) {
        if (request.isRegistration()) {
            return Decision.REGISTRATION;
        }
        String fr = request.fr();
        if (fr == null || fr.isEmpty()) {
            return refuse(ResponseStatusCode.BAD_REQUEST, BAD_REQUEST, "originator (fr) is mandatory in this request");
        }
        Optional<Registration> registered = registeredOriginator(fr);
        if (registered.isPresent()) {
            return new Decision(Verdict.REGISTERED, registered, null, null, null);
        }
        if ((request.op() == Operation.RETRIEVE || request.op() == Operation.DELETE)
                && RegistrationResource.addressedBy(request.to(), fr, null, null)) {
            return Decision.OWN_REGISTRATION;
        }
        String resource = RegistrationResource.isCseId(fr) ? "<remoteCSE>" : "<AE>";
        return refuse(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE, NOT_REGISTERED, "originator '" + fr
                + "' is not registered through this bridge: register (CREATE " + resource + ") first");
    }

    /**
     * The registered entity an originator re-identifies: the entity itself, or the registered CSE an ID below it
     * names (an AE registered with an MN-CSE behind the bridge, {@code /id-mn/Cae1}). The one rule every binding
     * uses to bind a reconnecting entity.
     */
    public Optional<Registration> registeredOriginator(String originator) {
        if (originator == null || originator.isBlank()) {
            return Optional.empty();
        }
        return entities.apply(originator.trim());
    }

    /**
     * Counts and logs (rate-limited) a refusal the binding answers itself, and returns that answer.
     *
     * @param connection the connection or peer the request came from, for the log
     */
    public ResponsePrimitive refused(RequestPrimitive request, Decision decision, String connection) {
        return refused(request, decision.refusal(), decision.reason(), decision.text(), connection);
    }

    /** As {@link #refused(RequestPrimitive, Decision, String)} for a refusal of the binding's own gate rules. */
    public ResponsePrimitive refused(RequestPrimitive request, ResponseStatusCode code, String reason, String text,
                                     String connection) {
        metrics.rejectedRequests.labelValues(reason).inc();
        log.refused(request.fr(), reason, connection, code.code(), text);
        return ResponsePrimitive.error(request, code, text,
                code == ResponseStatusCode.BAD_REQUEST ? ResponseFlag.BR : ResponseFlag.GR);
    }

    private static Decision refuse(ResponseStatusCode code, String reason, String text) {
        return new Decision(Verdict.REFUSED, Optional.empty(), code, reason, text);
    }
}
