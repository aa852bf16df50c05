package org.m2mbridge.mqtt;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The binding's view of one MQTT client session (TS-0010 6.3): QoS 1 publish and subscribe, reconnecting on its
 * own. The binding only talks to this interface so that Paho can be swapped (for the HiveMQ client, say) without
 * touching the oneM2M logic. Implementations never block the caller; futures complete on the client's threads.
 */
public interface MqttTransport extends AutoCloseable {

    /** Receives every message of every subscription, on the client's callback thread: must not block. */
    interface MessageHandler {
        void message(String topic, byte[] payload);
    }

    /** Connection state changes, on the client's threads: must not block. */
    interface ConnectionListener {
        /**
         * Connected and subscriptions renewed; {@code reconnect} is false for the first connection of this transport,
         * {@code sessionPresent} is the broker's CONNACK flag (it kept the session: subscriptions and the QoS 1
         * messages queued while the client was away).
         */
        default void connected(boolean reconnect, boolean sessionPresent) {
        }

        /** The connection was lost (or an attempt failed); the transport keeps retrying until closed. */
        default void disconnected(Throwable cause) {
        }
    }

    /**
     * Starts connecting and keeps retrying (with back-off) until connected or closed. The future completes at the
     * first successful connection; callers need not wait for it.
     */
    CompletableFuture<Void> start();

    boolean isConnected();

    /**
     * Subscribes {@code filter} at QoS 1 now if connected, and again after every (re)connect until
     * {@link #unsubscribe}d. Completes when the broker acknowledged it, or exceptionally if it could not be sent now.
     */
    CompletableFuture<Void> subscribe(String filter);

    CompletableFuture<Void> unsubscribe(String filter);

    /**
     * Publishes at QoS 1, retain 0. Completes when the broker acknowledged (PUBACK), or exceptionally at once when
     * not connected or when the in-flight window is full, so the caller can answer an error instead of waiting.
     */
    CompletableFuture<Void> publish(String topic, byte[] payload);

    /** Stops reconnecting, disconnects (waiting at most {@code timeout}) and releases the client. Idempotent. */
    void close(Duration timeout);

    @Override
    default void close() {
        close(Duration.ofSeconds(2));
    }
}
