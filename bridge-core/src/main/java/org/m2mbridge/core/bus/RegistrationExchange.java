package org.m2mbridge.core.bus;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request going upstream that changes the registry: the CREATE of {@code <AE>}/{@code <remoteCSE>}
 * (registration, TS-0020 7.4), an UPDATE of that resource's {@code poa}, or its DELETE (deregistration). Holds
 * what the request looked like so the response can be completed: registry updated, {@code poa} shown back as
 * the entity sent it.
 */
final class RegistrationExchange {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationExchange.class);

    private enum Kind { CREATE, UPDATE_POA, DELETE }

    private final Kind kind;
    private final RequestPrimitive original;
    private final RequestPrimitive rewritten;
    private final Origin origin;
    private final Upstream upstream;
    private final String token;
    private final List<String> originalPoa;
    private final JsonNode originalRr;
    private final Registration existing;

    private RegistrationExchange(Kind kind, RequestPrimitive original, RequestPrimitive rewritten, Origin origin,
                                 Upstream upstream, String token, Registration existing) {
        this.kind = kind;
        this.original = original;
        this.rewritten = rewritten;
        this.origin = origin;
        this.upstream = upstream;
        this.token = token;
        this.existing = existing;
        this.originalPoa = PointOfAccessRewrite.poaOf(original.pc());
        this.originalRr = PointOfAccessRewrite.rrOf(original.pc());
    }

    /** The exchange for {@code request}, or null when it does not touch the registry. */
    static RegistrationExchange of(RequestPrimitive request, Origin origin, Upstream upstream,
                                   EntityRegistry registry) {
        Optional<Registration> own = registry.byEntityId(request.fr());
        if (request.isRegistration()) {
            String token = own.map(Registration::token).orElseGet(PrimitiveBus::newToken);
            return new RegistrationExchange(Kind.CREATE, request,
                    withBridgePoa(request, upstream, token, own.map(Registration::entityId).orElse(null)),
                    origin, upstream, token, own.orElse(null));
        }
        if (own.isEmpty() || !addressesResource(request.to(), own.get())) {
            return null;
        }
        Registration reg = own.get();
        if (request.op() == Operation.UPDATE && PointOfAccessRewrite.hasPoa(request.pc())) {
            return new RegistrationExchange(Kind.UPDATE_POA, request,
                    withBridgePoa(request, upstream, reg.token(), reg.entityId()), origin, upstream, reg.token(), reg);
        }
        if (request.op() == Operation.DELETE) {
            return new RegistrationExchange(Kind.DELETE, request, request, origin, upstream, reg.token(), reg);
        }
        return null;
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
    ResponsePrimitive complete(ResponsePrimitive response, PrimitiveBus bus) {
        switch (kind) {
            case CREATE -> {
                if (response.rsc() == ResponseStatusCode.CREATED.code()) {
                    String id = entityId(response);
                    if (id == null) {
                        LOG.warn("registration {} answered 2001 without an AE-ID/CSE-ID; not bound", original.rqi());
                    } else {
                        Optional<com.fasterxml.jackson.databind.node.ObjectNode> res =
                                PointOfAccessRewrite.resource(response.pc());
                        bus.registered(new Registration(id,
                                isCse(original) ? Registration.Kind.CSE : Registration.Kind.AE,
                                upstream.name(), token,
                                res.map(r -> r.path("rn").asText(null)).orElse(nameOf(original)),
                                res.map(r -> r.path("ri").asText(null)).orElse(null),
                                originalPoa, Instant.now()), origin);
                    }
                }
                return restore(response);
            }
            case UPDATE_POA -> {
                if (response.rsc() == ResponseStatusCode.UPDATED.code()) {
                    bus.registry().put(new Registration(existing.entityId(), existing.kind(), existing.upstream(),
                            existing.token(), existing.resourceName(), existing.resourceId(), originalPoa,
                            existing.registeredAt()));
                }
                return restore(response);
            }
            case DELETE -> {
                // 4004: the registrar has no such resource (any more): the entity is not registered either way.
                if (response.rsc() == ResponseStatusCode.DELETED.code()
                        || response.rsc() == ResponseStatusCode.NOT_FOUND.code()) {
                    bus.deregistered(existing);
                }
                return response;
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    private ResponsePrimitive restore(ResponsePrimitive response) {
        if (response.pc() == null || rewritten == original) {
            return response;
        }
        return response.toBuilder().pc(PointOfAccessRewrite.restore(response.pc(), originalPoa, originalRr)).build();
    }

    /** AE-ID from {@code aei}, CSE-ID from {@code csi}; else the originator if it was a full ID, else {@code to}. */
    private String entityId(ResponsePrimitive response) {
        Optional<com.fasterxml.jackson.databind.node.ObjectNode> res = PointOfAccessRewrite.resource(response.pc());
        String fromContent = res.map(r -> r.hasNonNull("aei") ? r.get("aei").asText()
                : r.hasNonNull("csi") ? r.get("csi").asText() : null).orElse(null);
        if (fromContent != null && !fromContent.isEmpty()) {
            return fromContent;
        }
        String fr = original.fr();
        // "C" and "S" alone ask the registrar to assign an ID (TS-0001 10.2.2.2): not an ID yet.
        if (fr != null && fr.length() > 1) {
            return fr;
        }
        String to = response.to();
        return to == null || to.isEmpty() ? null : to;
    }

    private static boolean isCse(RequestPrimitive request) {
        return request.ty() != null && request.ty() == ResourceType.REMOTE_CSE.code();
    }

    private static String nameOf(RequestPrimitive request) {
        return PointOfAccessRewrite.resource(request.pc()).map(r -> r.path("rn").asText(null)).orElse(null);
    }

    /** True when {@code to} addresses the registration resource of {@code reg} ({@link RegistrationResource}). */
    static boolean addressesResource(String to, Registration reg) {
        return RegistrationResource.addressedBy(to, reg.entityId(), reg.resourceName(), reg.resourceId());
    }
}
