package org.m2mbridge.core.bus;

import java.util.Objects;

/**
 * Where a request entered the bridge. Envoy's vocabulary: DOWNSTREAM is the device side (an AE or MN-CSE talking
 * to the bridge as if it were its registrar), UPSTREAM is the CSE side (a CSE sending a notification or a request
 * to an entity behind the bridge).
 *
 * @param side       which side the request came from; decides how it is routed
 * @param binding    binding name for metrics ({@code ws}, {@code http}, {@code mqtt})
 * @param connection id of the connection or upstream, for logs
 * @param link       the link that can take requests for entities registered through this ingress (a WebSocket
 *                   session), or null when the ingress cannot be called back (an inbound HTTP exchange)
 */
public record Ingress(Side side, String binding, String connection, Link link) {

    public enum Side { DOWNSTREAM, UPSTREAM }

    public Ingress {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(connection, "connection");
    }

    public static Ingress downstream(Link link) {
        return new Ingress(Side.DOWNSTREAM, link.binding(), link.id(), link);
    }

    public static Ingress upstream(String binding, String connection) {
        return new Ingress(Side.UPSTREAM, binding, connection, null);
    }
}
