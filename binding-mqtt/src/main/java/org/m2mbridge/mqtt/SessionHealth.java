package org.m2mbridge.mqtt;

import java.time.Instant;
import java.util.function.Consumer;
import org.m2mbridge.core.bus.UpstreamState;
import org.m2mbridge.core.metrics.BridgeMetrics;

/**
 * One MQTT client session of the bridge as readiness and the metrics see it: usable only once connected AND
 * subscribed again (until then what is published for the bridge waits at the broker, or is lost if the broker kept
 * no session), how long each outage lasted until then, and whether the broker had kept the session. For an
 * upstream's session it also keeps the upstream's {@link UpstreamState} (its UP/DOWN lines and their causes).
 */
final class SessionHealth implements MqttTransport.ConnectionListener {
    private final String session;
    private final BridgeMetrics metrics;
    private final Consumer<Throwable> onLost;
    private final UpstreamState state;
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
        this(session, metrics, onLost, null);
    }

    /** @param state the upstream's reachability this session decides, or null (the device session) */
    SessionHealth(String session, BridgeMetrics metrics, Consumer<Throwable> onLost, UpstreamState state) {
        this.session = session;
        this.metrics = metrics;
        this.onLost = onLost;
        this.state = state;
    }

    @Override
    public void connected(boolean reconnect, boolean sessionPresent) {
        connectedSince = Instant.now();
        subscribed = true;
        metrics.mqttConnects.labelValues(session, String.valueOf(sessionPresent)).inc();
        if (state != null) {
            state.up("connected to the broker and subscribed" + (sessionPresent ? "" : " (the broker kept no session)"));
        }
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
        if (state != null) {
            state.down("no MQTT connection to the broker: " + (cause == null ? "lost"
                    : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
        }
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
