package org.m2mbridge.core.bus;

import java.util.List;

/**
 * A configured upstream CSE reached through a binding (HTTP, MQTT, later WS client). The bus routes downstream
 * requests here and asks it how the upstream CSE should reach entities that register through the bridge.
 */
public interface Upstream extends Link {

    /** Name from the configuration ({@code upstreams[].name}). */
    String name();

    /** The upstream CSE's CSE-ID, SP-relative ({@code /id-in}). */
    String cseId();

    /** The upstream's M2M-SP-ID ({@code //acme.example.com}), or null. */
    String spId();

    /**
     * Points of access to announce in a registration forwarded to this upstream, so that the upstream CSE sends
     * notifications and other requests for the entity to the bridge instead of the (unreachable) entity.
     *
     * @param token the bridge's opaque handle for the entity, stable across restarts, safe in URL paths and topics
     * @param entityId the entity's ID if already known (re-registration, poa update), else null
     */
    List<String> pointOfAccess(String token, String entityId);

    /** The entity registered through this upstream (answer 2001): start receiving requests for it. */
    default void entityRegistered(Registration registration) {
    }

    /** The entity was deregistered (DELETE answered 2002, or 4004): stop receiving requests for it. */
    default void entityDeregistered(Registration registration) {
    }

    /** For readiness: connected (MQTT) or last exchange did not fail at transport level (HTTP). */
    boolean isReachable();

    /** {@link #isReachable()} with its cause and since when; the bindings keep it in an {@link UpstreamState}. */
    default UpstreamHealth health() {
        boolean up = isReachable();
        return new UpstreamHealth(up, up ? "reachable" : "not reachable", null);
    }
}
