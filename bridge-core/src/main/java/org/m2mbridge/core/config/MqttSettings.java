package org.m2mbridge.core.config;

/**
 * MQTT binding, global part ({@code mqtt:}, TS-0010). Owned by the MQTT binding; per-upstream settings are in
 * {@link MqttUpstreamSettings}.
 *
 * @param dataDir        directory for Paho's in-flight persistence; null (default) keeps it in memory
 * @param dispatchThreads threads (lanes) that route received MQTT messages, off Paho's single callback thread
 *                       (default 4); the messages for one entity always use the same lane, so they stay in order
 * @param dispatchQueue  received messages waiting for a lane, split evenly across the lanes (default 10000); when a
 *                       lane is full, messages are dropped and counted (a request is answered 5000) instead of
 *                       stalling the MQTT client
 */
public record MqttSettings(String dataDir, Integer dispatchThreads, Integer dispatchQueue) {
    public static final MqttSettings DEFAULTS = new MqttSettings(null, null, null);

    public MqttSettings {
        dispatchThreads = dispatchThreads == null ? 4 : dispatchThreads;
        dispatchQueue = dispatchQueue == null ? 10000 : dispatchQueue;
        ConfigException.require(dispatchThreads > 0, "mqtt.dispatchThreads", "must be positive");
        ConfigException.require(dispatchQueue > 0, "mqtt.dispatchQueue", "must be positive");
    }
}
