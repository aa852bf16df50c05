package org.m2mbridge.core.metrics;

/** The {@code limit} label of {@code m2mbridge_limit_refusals_total}: which configured limit refused work. */
public enum Limit implements LabelValue {
    WS_CONNECTIONS,
    WS_CONNECTIONS_PER_ADDRESS,
    WS_INFLIGHT,
    WS_REQUEST_RATE,
    WS_SEND_QUEUE,
    WS_MESSAGE_SIZE,
    WS_UNREGISTERED_MESSAGE_SIZE,
    WS_ENTITIES_PER_CONNECTION,
    WS_UPSTREAM_SOCKETS,
    WS_UPSTREAM_QUEUE,
    MQTT_PENDING,
    MQTT_DISPATCH_QUEUE;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
