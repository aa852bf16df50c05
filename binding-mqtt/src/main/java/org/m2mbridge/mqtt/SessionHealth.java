package org.m2mbridge.mqtt;

import java.time.Instant;
import java.util.function.Consumer;
import org.m2mbridge.core.metrics.BridgeMetrics;

/**
 * One MQTT client session of the bridge as readiness and the metrics see it: usable only once connected AND
 * subscribed again (until then what is published for the bridge waits at the broker, or is lost if the broker kept
 * no session), how long each outage lasted until then, and whether the broker had kept the session.
 */
final class SessionHealth implements MqttTransport.ConnectionListener {
    private final String session;
    private final BridgeMetrics metrics;
    private final Consumer<Throwable> onLost;
    private volatile boolean subscribed;
    private volatile Instant connectedSince;
    private static final long NOT_LOST = Long.MIN_VALUE;
    /** System.nanoTime() when the connection was lost; NOT_LOST while connected or before the first connection. */
    private volatile long lostAt = NOT_LOST;

    /**
     * @param session label value naming the session: the upstream's name, or {@code deviceMqtt}
     * @param onLost  what the owner does when the connection is lost or an attempt fails (on the client's threads)
     */
    SessionHealth(String session, BridgeMetrics metrics, Consumer<Throwable> onLost) {
        this.session = session;
        this.metrics = metrics;
        this.onLost = onLost;
    }

    @Override
    public void connected(boolean reconnect, boolean sessionPresent) {
        connectedSince = Instant.now();
        subscribed = true;
        metrics.mqttConnects.labelValues(session, String.valueOf(sessionPresent)).inc();
        long lost = lostAt;
        if (lost != NOT_LOST) {
            lostAt = NOT_LOST;
            metrics.mqttReconnectSeconds.labelValues(session).observe((System.nanoTime() - lost) / 1e9);
        }
    }

    @Override
    public void disconnected(Throwable cause) {
        if (subscribed) {
            lostAt = System.nanoTime();
        }
        subscribed = false;
        onLost.accept(cause);
    }

    /** Connected and subscribed (readiness). */
    boolean isSubscribed() {
        return subscribed;
    }

    /** When the current connection was made; null before the first one. */
    Instant connectedSince() {
        return connectedSince;
    }
}
