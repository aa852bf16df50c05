package org.m2mbridge.core.metrics;

/** The {@code kind} label of {@code m2mbridge_upstream_errors_total}: transport-level failures talking to an upstream. */
public enum UpstreamErrorKind implements LabelValue {
    CONNECT,
    TIMEOUT,
    CLOSED,
    PROTOCOL,
    /** A ws upstream's HTTP CONNECT proxy refused the tunnel. */
    PROXY,
    /** A ws upstream refused the WebSocket opening handshake. */
    HANDSHAKE;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
