package org.m2mbridge.core.metrics;

/** The {@code role} label of the connection metrics: the bridge as WebSocket server (devices) or client (ws upstreams). */
public enum ConnectionRole implements LabelValue {
    SERVER,
    CLIENT;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
