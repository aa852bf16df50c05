package org.m2mbridge.mqtt.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigUrls;
import org.m2mbridge.core.config.Preflight;
import org.m2mbridge.core.config.UpstreamConfig;

/**
 * The configuration keys the MQTT binding owns (TS-0010): the {@code mqtt:} section ({@link MqttSettings}),
 * {@code listeners.deviceMqtt} ({@link DeviceMqttConfig}), and on an upstream {@code broker} and the {@code mqtt:}
 * subtree ({@link MqttUpstreamSettings}).
 */
public final class MqttConfiguration implements BindingConfiguration {
    /** The key of the {@code mqtt:} section and of an upstream's {@code mqtt:} subtree. */
    static final String KEY = "mqtt";
    /** The upstream key holding the broker URI. */
    static final String BROKER = "broker";
    /** Client sockets one MQTT session may hold at once (the old one while reconnecting). */
    private static final int CLIENT_SOCKETS = 2;
    private static final List<String> SCHEMES = List.of("tcp", "ssl", "mqtt", "mqtts");

    private final String binding;

    /** The keys of binding {@code binding} ({@code mqtt}): its upstreams are the ones naming it. */
    public MqttConfiguration(String binding) {
        this.binding = binding;
    }

    /** The broker URI of upstream {@code u} ({@code tcp://127.0.0.1:1883}, {@code ssl://...}). */
    public static String broker(UpstreamConfig u) {
        return u.key(BROKER, String.class);
    }

    @Override
    public Map<String, Class<?>> sections() {
        return Map.of(KEY, MqttSettings.class);
    }

    @Override
    public Map<String, Class<?>> listeners() {
        return Map.of(DeviceMqttConfig.KEY, DeviceMqttConfig.class);
    }

    @Override
    public Set<String> deviceListeners() {
        return Set.of(DeviceMqttConfig.KEY);
    }

    @Override
    public Map<String, Class<?>> upstreamKeys() {
        return Map.of(BROKER, String.class, KEY, MqttUpstreamSettings.class);
    }

    @Override
    public void validate(BridgeConfig config) {
        for (int i = 0; i < config.upstreams().size(); i++) {
            UpstreamConfig u = config.upstreams().get(i);
            if (binding.equals(u.binding())) {
                ConfigUrls.require(broker(u), "upstreams[" + i + "]." + BROKER, SCHEMES, "tcp://127.0.0.1:1883");
            }
        }
        DeviceMqttConfig devices = DeviceMqttConfig.of(config);
        if (devices != null) {
            devices.validate("listeners." + DeviceMqttConfig.KEY);
        }
    }

    @Override
    public void preflight(BridgeConfig config, Preflight.Checks checks) {
        for (int i = 0; i < config.upstreams().size(); i++) {
            UpstreamConfig u = config.upstreams().get(i);
            if (binding.equals(u.binding())) {
                checks.clientTls(MqttUpstreamSettings.of(u).tls(), "upstreams[" + i + "]." + KEY);
                checks.reachable(broker(u), "upstreams[" + i + "]." + BROKER);
            }
        }
        DeviceMqttConfig devices = DeviceMqttConfig.of(config);
        if (devices != null) {
            checks.clientTls(devices.mqtt().tls(), "listeners." + DeviceMqttConfig.KEY + "." + KEY);
            checks.reachable(devices.broker(), "listeners." + DeviceMqttConfig.KEY + ".broker");
        }
        String dataDir = MqttSettings.of(config).dataDir();
        if (dataDir != null) {
            checks.writable(Path.of(dataDir), KEY + ".dataDir");
        }
    }

    @Override
    public int outboundConnections(BridgeConfig config) {
        long sessions = config.upstreams().stream().filter(u -> binding.equals(u.binding())).count()
                + (DeviceMqttConfig.of(config) != null ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE / CLIENT_SOCKETS, sessions) * CLIENT_SOCKETS;
    }
}
