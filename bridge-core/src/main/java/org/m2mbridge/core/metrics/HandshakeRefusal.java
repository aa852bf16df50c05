package org.m2mbridge.core.metrics;

/** The {@code reason} label of {@code m2mbridge_ws_handshake_refusals_total}. */
public enum HandshakeRefusal implements LabelValue {
    PATH,
    NOT_UPGRADE,
    VERSION,
    MALFORMED,
    NO_SUBPROTOCOL,
    UNSUPPORTED_SUBPROTOCOL,
    SHUTTING_DOWN,
    CONNECTION_LIMIT;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
