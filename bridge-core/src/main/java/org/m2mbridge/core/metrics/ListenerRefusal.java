package org.m2mbridge.core.metrics;

/** The {@code reason} label of {@code m2mbridge_listener_refusals_total}: why an HTTP listener refused or cut a connection. */
public enum ListenerRefusal implements LabelValue {
    /** The listener's maxConnections. */
    CONNECTIONS,
    /** The listener's maxConnectionsPerAddress. */
    CONNECTIONS_PER_ADDRESS,
    /** No whole request head within the header timeout. */
    HEADER_TIMEOUT;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
