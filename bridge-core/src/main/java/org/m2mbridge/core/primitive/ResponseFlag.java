package org.m2mbridge.core.primitive;

/**
 * Why the bridge answered a request itself instead of the next hop, as a short code for the access line (Envoy's
 * response flags; docs/operations.md "Access log"). A response that came from the upstream or the device has none
 * ({@code flag=-}). Not a oneM2M parameter: never encoded.
 */
public enum ResponseFlag {
    /** No route: no upstream for the target, or no entity registered under it (4004). */
    NR,
    /** The next hop did not answer before the request deadline (4008). */
    UT,
    /** The next hop could not be reached: connection refused, unknown host, TLS failure, not connected (5103). */
    UF,
    /** The connection to the next hop closed or was reset before the answer (5103). */
    UC,
    /** The next hop's answer was malformed or too large (5000). */
    PE,
    /** The request's expiration time (rqet) had passed on arrival (4008). */
    EX,
    /** A limit or overflow: rate, in-flight, queue, entities per connection, store full (5000/5103). */
    UO,
    /** The registration gate refused the originator: not registered, or not granted by its certificate (4103). */
    GR,
    /** The request was malformed or missed a mandatory parameter (4000). */
    BR,
    /** The target entity is offline: the request was stored (1000), expired or was dropped in the store. */
    DO,
    /** The bridge failed internally while forwarding (5000). */
    IE
}
