package org.m2mbridge.core.bus;

import java.time.Instant;
import java.util.List;

/**
 * An entity (AE or CSE) registered through the bridge: CREATE {@code <AE>}/{@code <remoteCSE>} answered 2001
 * (TS-0020 7.4). It outlives connections: only a successful DELETE of the resource ends it.
 *
 * @param entityId       AE-ID ({@code aei}) or CSE-ID ({@code csi}) as assigned by the registrar
 * @param kind           AE or CSE
 * @param upstream       name of the upstream it registered with
 * @param token          the bridge's opaque handle used in the rewritten point of access
 * @param resourceName   {@code rn} of the created resource (to recognise its DELETE), may be null
 * @param resourceId     {@code ri} of the created resource, may be null
 * @param originalPoa    the entity's own {@code poa}, shown back to it instead of the bridge's rewrite
 * @param registeredAt   when the registration was confirmed
 */
public record Registration(String entityId, Kind kind, String upstream, String token, String resourceName,
                           String resourceId, List<String> originalPoa, Instant registeredAt) {

    public enum Kind { AE, CSE }

    public Registration {
        originalPoa = originalPoa == null ? List.of() : List.copyOf(originalPoa);
    }
}
