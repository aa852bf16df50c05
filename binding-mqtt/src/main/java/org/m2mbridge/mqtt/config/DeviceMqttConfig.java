package org.m2mbridge.mqtt.config;

import java.util.List;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigUrls;
import org.m2mbridge.core.config.DeviceDialect;
import org.m2mbridge.core.config.DeviceListener;

/**
 * Devices (AEs, MN-CSEs) that speak MQTT (TS-0010) to the bridge as if it were their registrar: the bridge is a
 * client of {@code broker} (normally a broker on the edge network, NOT an upstream CSE's broker) and takes the
 * requests published to {@code /oneM2M/req/<originator>/<receiver>/<fmt>} and
 * {@code /oneM2M/reg_req/<originator>/<receiver>/<fmt>} for every receiver in {@code receivers}, answering on the
 * matching {@code resp}/{@code reg_resp} topic. Requests for those devices (notifications) are published to
 * {@code /oneM2M/req/<receiver>/<device>/<fmt>}. The route table decides the upstream, as for every binding.
 *
 * @param broker    broker URI ({@code tcp://127.0.0.1:1883}, {@code ssl://...})
 * @param receivers the CSE-IDs devices address, SP-relative ({@code /id-in}) or bare ({@code id-in}); default: the
 *                  {@code cseId} of every configured upstream
 * @param mqtt      MQTT client settings (client id, credentials, TLS, in-flight window), as for an MQTT upstream
 * @param dialect   repairs for the peer dialect of these devices; default none
 */
public record DeviceMqttConfig(String broker, List<String> receivers, MqttUpstreamSettings mqtt,
                               DeviceDialect dialect) implements DeviceListener {
    /** Its key under {@code listeners:}. */
    public static final String KEY = "deviceMqtt";

    public DeviceMqttConfig {
        receivers = receivers == null ? List.of() : List.copyOf(receivers);
        mqtt = mqtt == null ? MqttUpstreamSettings.DEFAULTS : mqtt;
        dialect = dialect == null ? DeviceDialect.NONE : dialect;
    }

    /** Without a dialect. */
    public DeviceMqttConfig(String broker, List<String> receivers, MqttUpstreamSettings mqtt) {
        this(broker, receivers, mqtt, null);
    }

    /** {@code listeners.deviceMqtt} of {@code config}, or null when not configured. */
    public static DeviceMqttConfig of(BridgeConfig config) {
        return config.listeners().get(KEY, DeviceMqttConfig.class);
    }

    /** Throws a {@link ConfigException} naming {@code key.<key>} for the first value that is wrong. */
    public void validate(String key) {
        ConfigUrls.require(broker, key + ".broker", java.util.List.of("tcp", "ssl", "mqtt", "mqtts"),
                "tcp://127.0.0.1:1883");
        for (int i = 0; i < receivers.size(); i++) {
            String r = receivers.get(i);
            ConfigException.require(r != null && !r.isBlank() && !r.startsWith("//") && !r.contains("+")
                    && !r.contains("#"), key + ".receivers[" + i + "]",
                    "must be a CSE-ID such as /id-in; got '" + r + "'");
        }
        dialect.validate(key + ".dialect");
    }
}
