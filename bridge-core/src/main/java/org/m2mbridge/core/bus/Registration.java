package org.m2mbridge.core.bus;

import java.time.Instant;
import java.util.List;

/**
 * An entity (AE or CSE) registered through the bridge: CREATE {@code <AE>}/{@code <remoteCSE>} answered 2001
 * (TS-0020 7.4). It outlives connections: a successful DELETE of the resource, the CSE's 4004 for it, or its
 * expiration time ends it (docs/reliability.md, "Registrations: incarnations and expiry").
 *
 * @param entityId       AE-ID ({@code aei}) or CSE-ID ({@code csi}) as assigned by the registrar
 * @param kind           AE or CSE
 * @param upstream       name of the upstream it registered with
 * @param token          the bridge's opaque handle used in the rewritten point of access
 * @param resourceName   {@code rn} of the created resource (to recognise its DELETE), may be null
 * @param resourceId     {@code ri} of the created resource, may be null
 * @param originalPoa    the entity's own {@code poa}, shown back to it instead of the bridge's rewrite
 * @param registeredAt   when the registration was confirmed
 * @param incarnation    which CREATE answered 2001 this is: each new registration of the same entity ID gets a new
 *                       value, and requests stored for another one are never delivered to it. 0 for registrations
 *                       made before incarnations were recorded (their stored requests carry 0 as well)
 * @param expiresAt      the resource's expiration time ({@code et} in the CSE's answer, TS-0004 m2m:timestamp);
 *                       null when the CSE gave none. At that instant the CSE deletes the resource, and the bridge
 *                       deregisters the entity
 */
public record Registration(String entityId, Kind kind, String upstream, String token, String resourceName,
                           String resourceId, List<String> originalPoa, Instant registeredAt, long incarnation,
                           Instant expiresAt) {

    public enum Kind { AE, CSE }

    public Registration {
        originalPoa = originalPoa == null ? List.of() : List.copyOf(originalPoa);
    }

    /** A registration without incarnation or expiry (tests, and records written before they existed). */
    public Registration(String entityId, Kind kind, String upstream, String token, String resourceName,
                        String resourceId, List<String> originalPoa, Instant registeredAt) {
        this(entityId, kind, upstream, token, resourceName, resourceId, originalPoa, registeredAt, 0, null);
    }

    /** True once the resource's expiration time has passed: the CSE has deleted it. */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    public Registration withOriginalPoa(List<String> poa) {
        return new Registration(entityId, kind, upstream, token, resourceName, resourceId, poa, registeredAt,
                incarnation, expiresAt);
    }

    public Registration withExpiresAt(Instant value) {
        return new Registration(entityId, kind, upstream, token, resourceName, resourceId, originalPoa, registeredAt,
                incarnation, value);
    }
}
