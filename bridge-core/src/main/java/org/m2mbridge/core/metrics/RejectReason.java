package org.m2mbridge.core.metrics;

/** The {@code reason} label of {@code m2mbridge_rejected_requests_total}: why the bridge answered a request itself. */
public enum RejectReason implements LabelValue {
    /** The request expiration time (rqet) had passed on arrival (4008). */
    EXPIRED,
    /** No route to an upstream for the target (4004). */
    NO_ROUTE,
    /** A request from upstream for an entity not registered through the bridge (4004). */
    UNKNOWN_TARGET,
    /** The entity is registered but not connected and the request was not stored (5103). */
    NOT_CONNECTED,
    /** The store for offline entities refused the request (5103). */
    STORE_FULL,
    /** Malformed: no rqi, no fr, undecodable, missing mandatory header (4000). */
    BAD_REQUEST,
    /** The client certificate does not grant the originator (ws.identities, 4103/4106). */
    IDENTITY,
    /** The originator has not registered through the bridge (4103). */
    NOT_REGISTERED;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
