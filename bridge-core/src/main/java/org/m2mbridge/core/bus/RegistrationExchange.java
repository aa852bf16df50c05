package org.m2mbridge.core.bus;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.m2mbridge.core.primitive.RegistrationContent;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request going upstream that changes the registry: the CREATE of {@code <AE>}/{@code <remoteCSE>}
 * (registration, TS-0020 7.4; each 2001 is a new incarnation), and a RETRIEVE, UPDATE or DELETE of that resource
 * by its entity (an UPDATE's {@code poa} is rewritten; the answer's expiration time {@code et} is kept; 2002, or
 * the registrar's 4004 for the resource, ends the registration). Holds what the request looked like so the
 * response can be completed: registry updated, {@code poa} shown back as the entity sent it.
 */
final class RegistrationExchange {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationExchange.class);

    private static final SecureRandom TOKENS = new SecureRandom();

    /** What an answered exchange does to the registrations ({@link Registrations} in the bus). */
    interface Outcome {
        /** A CREATE answered 2001: a new registration (incarnation), bound to {@code ingress}'s link if any. */
        void registered(Registration registration, Ingress ingress);

        /** Its {@code poa} or expiration time changed; the registration continues. */
        void updated(Registration registration);

        /** The registration ended: its resource was deleted (2002) or is gone at the registrar (4004). */
        void deregistered(Registration registration, RegistrationEnd why);
    }

    private enum Kind { CREATE, RETRIEVE, UPDATE, DELETE }

    private final Kind kind;
    private final RequestPrimitive original;
    private final RequestPrimitive rewritten;
    private final Ingress ingress;
    private final Upstream upstream;
    private final String token;
    private final List<String> originalPoa;
    private final JsonNode originalRr;
    private final Registration existing;

    private RegistrationExchange(Kind kind, RequestPrimitive original, RequestPrimitive rewritten, Ingress ingress,
                                 Upstream upstream, String token, Registration existing) {
        this.kind = kind;
        this.original = original;
        this.rewritten = rewritten;
        this.ingress = ingress;
        this.upstream = upstream;
        this.token = token;
        this.existing = existing;
        this.originalPoa = PointOfAccessRewrite.poaOf(original.pc());
        this.originalRr = PointOfAccessRewrite.rrOf(original.pc());
    }

    /** The exchange for {@code request}, or null when it does not touch the registry. */
    static RegistrationExchange of(RequestPrimitive request, Ingress ingress, Upstream upstream,
                                   EntityDirectory directory) {
        Optional<Registration> own = directory.registration(request.fr());
        if (request.isRegistration()) {
            String token = own.map(Registration::token).orElseGet(RegistrationExchange::newToken);
            return new RegistrationExchange(Kind.CREATE, request,
                    withBridgePoa(request, upstream, token, own.map(Registration::entityId).orElse(null)),
                    ingress, upstream, token, own.orElse(null));
        }
        if (own.isEmpty() || !addressesResource(request.to(), own.get())) {
            return null;
        }
        Registration reg = own.get();
        if (!upstream.name().equals(reg.upstream())) {
            return null; // another CSE's answer says nothing about the registration resource
        }
        return switch (request.op()) {
            case UPDATE -> new RegistrationExchange(Kind.UPDATE, request, PointOfAccessRewrite.hasPoa(request.pc())
                    ? withBridgePoa(request, upstream, reg.token(), reg.entityId()) : request, ingress, upstream,
                    reg.token(), reg);
            case RETRIEVE -> new RegistrationExchange(Kind.RETRIEVE, request, request, ingress, upstream, reg.token(),
                    reg);
            case DELETE -> new RegistrationExchange(Kind.DELETE, request, request, ingress, upstream, reg.token(), reg);
            default -> null;
        };
    }

    private static RequestPrimitive withBridgePoa(RequestPrimitive request, Upstream upstream, String token,
                                                  String entityId) {
        if (request.pc() == null || PointOfAccessRewrite.resource(request.pc()).isEmpty()) {
            return request;
        }
        List<String> poa = upstream.pointOfAccess(token, entityId);
        if (poa.isEmpty()) {
            // Nothing to announce (a WebSocket upstream reaches the entity over the bridge's own connection,
            // TS-0020 6.2): the entity's own poa is not reachable behind the bridge, so it is not passed on either.
            return PointOfAccessRewrite.hasPoa(request.pc())
                    ? request.toBuilder().pc(PointOfAccessRewrite.withoutPoa(request.pc())).build() : request;
        }
        return request.toBuilder().pc(PointOfAccessRewrite.withPoa(request.pc(), poa, true)).build();
    }

    RequestPrimitive rewrittenRequest() {
        return rewritten;
    }

    /** Applies the outcome to the registry and returns the response the entity should see. */
    ResponsePrimitive complete(ResponsePrimitive response, Outcome outcome) {
        int rsc = response.rsc();
        if (kind == Kind.CREATE) {
            if (rsc == ResponseStatusCode.CREATED.code()) {
                created(response, outcome);
            }
            return restore(response);
        }
        boolean deleted = kind == Kind.DELETE && rsc == ResponseStatusCode.DELETED.code();
        if (deleted || rsc == ResponseStatusCode.NOT_FOUND.code()) {
            // 4004: the registrar no longer has the resource (deleted there, or lost with a memory database)
            outcome.deregistered(existing, deleted ? RegistrationEnd.DELETED : RegistrationEnd.NOT_FOUND);
            return response;
        }
        boolean ok = switch (kind) {
            case UPDATE -> rsc == ResponseStatusCode.UPDATED.code();
            case RETRIEVE -> rsc == ResponseStatusCode.OK.code();
            default -> false;
        };
        if (ok) {
            Registration now = existing;
            if (rewritten != original) { // a poa update: the entity's own poa is what it sees from now on
                now = now.withOriginalPoa(originalPoa);
            }
            Instant et = expirationOf(response);
            if (et != null) { // an UPDATE of et, or simply the current value (TS-0004 resource expiration)
                now = now.withExpiresAt(et);
            }
            if (!now.equals(existing)) {
                outcome.updated(now);
            }
        }
        return kind == Kind.UPDATE ? restore(response) : response;
    }

    private void created(ResponsePrimitive response, Outcome outcome) {
        String id = entityId(response);
        if (id == null) {
            LOG.warn("registration {} answered 2001 without an AE-ID/CSE-ID; not bound", original.rqi());
            return;
        }
        Optional<RegistrationContent> res = RegistrationContent.of(response.pc());
        outcome.registered(new Registration(id, isCse(original) ? Registration.Kind.CSE : Registration.Kind.AE,
                upstream.name(), token, res.map(RegistrationContent::resourceName).orElse(nameOf(original)),
                res.map(RegistrationContent::resourceId).orElse(null), originalPoa, Instant.now(),
                newIncarnation(), expirationOf(response)), ingress);
    }

    /** The resource's expiration time ({@code et}, m2m:timestamp) in the registrar's answer, or null. */
    private static Instant expirationOf(ResponsePrimitive response) {
        return RegistrationContent.of(response.pc()).map(RegistrationContent::expirationTime)
                .flatMap(Deadlines::parseTimestamp).orElse(null);
    }

    private ResponsePrimitive restore(ResponsePrimitive response) {
        if (response.pc() == null || rewritten == original) {
            return response;
        }
        return response.toBuilder().pc(PointOfAccessRewrite.restore(response.pc(), originalPoa, originalRr)).build();
    }

    /** AE-ID from {@code aei}, CSE-ID from {@code csi}; else the originator if it was a full ID, else {@code to}. */
    private String entityId(ResponsePrimitive response) {
        Optional<String> fromContent = RegistrationContent.of(response.pc()).flatMap(RegistrationContent::entityId);
        if (fromContent.isPresent()) {
            return fromContent.get();
        }
        String fr = original.fr();
        // "C" and "S" alone ask the registrar to assign an ID (TS-0001 10.2.2.2): not an ID yet.
        if (fr != null && fr.length() > 1) {
            return fr;
        }
        String to = response.to();
        return to == null || to.isEmpty() ? null : to;
    }

    /** A fresh incarnation number for a new registration: random, never 0 (the value of older records). */
    static long newIncarnation() {
        long n;
        do {
            n = TOKENS.nextLong();
        } while (n == 0);
        return n;
    }

    /** The opaque, random token in the point of access the bridge announces for a new registration. */
    static String newToken() {
        byte[] b = new byte[10];
        TOKENS.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static boolean isCse(RequestPrimitive request) {
        return request.ty() != null && request.ty() == ResourceType.REMOTE_CSE.code();
    }

    private static String nameOf(RequestPrimitive request) {
        return RegistrationContent.of(request.pc()).map(RegistrationContent::resourceName).orElse(null);
    }

    /** True when {@code to} addresses the registration resource of {@code reg} ({@link RegistrationResource}). */
    static boolean addressesResource(String to, Registration reg) {
        return RegistrationResource.addressedBy(to, reg.entityId(), reg.resourceName(), reg.resourceId());
    }
}
