package org.m2mbridge.mqtt.config;

import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;

/**
 * MQTT binding, global part ({@code mqtt:}, TS-0010): owned by this binding and declared by
 * {@link MqttConfiguration}; per-upstream settings are in {@link MqttUpstreamSettings}.
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

    /** The {@code mqtt:} section of {@code config}; its defaults when it was read without this binding. */
    public static MqttSettings of(BridgeConfig config) {
        MqttSettings mqtt = config.section(MqttConfiguration.KEY, MqttSettings.class);
        return mqtt == null ? DEFAULTS : mqtt;
    }
}
