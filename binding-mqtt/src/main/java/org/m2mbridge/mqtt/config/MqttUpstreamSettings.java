package org.m2mbridge.mqtt.config;

import java.time.Duration;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.TlsSettings;
import org.m2mbridge.core.config.UpstreamConfig;

/**
 * MQTT client tuning for one upstream (binding mqtt, {@code upstreams[].mqtt}): owned by this binding
 * and declared by {@link MqttConfiguration}.
 *
 * @param clientId     MQTT client identifier (default {@code C::bridge-<name>}; TS-0010 6.3 wants it unique per
 *                     broker and prefixed {@code C::} for a CSE-like client). It names the persistent session at the
 *                     broker, so it must stay the same across restarts of the bridge (the default does) and differ
 *                     between two bridges on one broker
 * @param username     broker user name, optional (sent together with {@code password})
 * @param password     broker password, optional
 * @param maxInflight  QoS 1 publishes in flight (default 1000; Paho's default of 10 is far too small for a bridge)
 * @param keepAlive    MQTT keep-alive interval (default 60s, as ACME)
 * @param cleanSession MQTT clean-session flag (default false, TS-0010 6.3: a persistent session, so the broker
 *                     queues what is published for the bridge while it is away); the bridge re-subscribes on every
 *                     connect either way
 * @param topicForm    how an AE-ID relative to this upstream's CSE is written in the originator segment of request
 *                     topics: {@code bare} (default; the AE-ID stem {@code Cae1}, as ACME-oneM2M-CSE and its
 *                     clients use it) or {@code full} (SP-relative {@code id-in:Cae1}, TS-0010 6.4.2)
 * @param poaStyle     the point of access announced for entities registered through the bridge: {@code plain}
 *                     (default; {@code mqtt://host:port}, ACME builds the topic itself) or {@code with-entity-path}
 *                     ({@code mqtt://host:port/<AE-ID>}, which Mobius needs to notify over MQTT)
 * @param trustStore   for an {@code ssl://} broker: trust store file (PKCS12 or JKS); default: the JVM's trust store
 * @param trustStorePassword password of {@code trustStore}, optional
 * @param keyStore     for an {@code ssl://} broker that asks for a client certificate (mutual TLS): PKCS#12 (or JKS)
 *                     file with the bridge's private key and certificate chain; default: none offered
 * @param keyStorePassword password of {@code keyStore} and of its key entry, optional
 * @param connectTimeout how long one connection attempt may take (default 10s)
 * @param maxReconnectDelay upper bound of the reconnect back-off (default 2s): also the longest the bridge stays away
 *                     after the broker is back
 * @param reconnectDelay first reconnect delay (default 250ms, or {@code maxReconnectDelay} if smaller), doubled after every failed attempt up to
 *                     {@code maxReconnectDelay}; every delay is jittered to between half and all of it
 * @param poaBroker    the broker URI the upstream CSE itself uses ({@code mqtt://broker.internal:1883}), announced as
 *                     point of access; default: {@code broker} with {@code tcp}/{@code ssl} written as
 *                     {@code mqtt}/{@code mqtts} (TS-0010 6.6)
 * @param credentialPrefix prefix of the credential IDs the bridge makes up for registrations without an AE-ID on
 *                     {@code /oneM2M/reg_req/<credential>/...} (TS-0010 6.4.4; default {@code cred-}; useful with a
 *                     registrar's credential allow-list)
 */
public record MqttUpstreamSettings(String clientId, String username, String password, Integer maxInflight,
                                   Duration keepAlive, Boolean cleanSession, String topicForm, String poaStyle,
                                   String trustStore, String trustStorePassword, Duration connectTimeout,
                                   Duration maxReconnectDelay, String poaBroker, String credentialPrefix,
                                   String keyStore, String keyStorePassword, Duration reconnectDelay) {
    public static final MqttUpstreamSettings DEFAULTS = new MqttUpstreamSettings(null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null);

    public MqttUpstreamSettings {
        maxInflight = maxInflight == null ? 1000 : maxInflight;
        keepAlive = keepAlive == null ? Duration.ofSeconds(60) : keepAlive;
        cleanSession = cleanSession != null && cleanSession;
        topicForm = topicForm == null ? "bare" : topicForm;
        poaStyle = poaStyle == null ? "plain" : poaStyle;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        maxReconnectDelay = maxReconnectDelay == null ? Duration.ofSeconds(2) : maxReconnectDelay;
        reconnectDelay = reconnectDelay != null ? reconnectDelay
                : maxReconnectDelay.compareTo(Duration.ofMillis(250)) < 0 ? maxReconnectDelay : Duration.ofMillis(250);
        credentialPrefix = credentialPrefix == null ? "cred-" : credentialPrefix;
        ConfigException.require(maxInflight > 0, "mqtt.maxInflight", "must be positive");
        ConfigException.require(topicForm.equals("bare") || topicForm.equals("full"), "mqtt.topicForm",
                "must be bare or full; got '" + topicForm + "'");
        ConfigException.require(poaStyle.equals("plain") || poaStyle.equals("with-entity-path"), "mqtt.poaStyle",
                "must be plain or with-entity-path; got '" + poaStyle + "'");
        ConfigException.require(!connectTimeout.isNegative() && !connectTimeout.isZero(), "mqtt.connectTimeout",
                "must be positive");
        ConfigException.require(poaBroker == null || poaBroker.matches("^mqtts?://[^/]+/?$"), "mqtt.poaBroker",
                "must be mqtt://host:port or mqtts://host:port; got '" + poaBroker + "'");
        ConfigException.require(!credentialPrefix.matches(".*[/+#].*"), "mqtt.credentialPrefix",
                "must not contain /, + or #");
        ConfigException.require(maxReconnectDelay.toMillis() >= 100, "mqtt.maxReconnectDelay", "must be at least 100ms");
        ConfigException.require(reconnectDelay.toMillis() >= 10 && reconnectDelay.compareTo(maxReconnectDelay) <= 0,
                "mqtt.reconnectDelay", "must be at least 10ms and at most mqtt.maxReconnectDelay ("
                        + maxReconnectDelay.toMillis() + "ms); got " + reconnectDelay.toMillis() + "ms");
    }

    /** The {@code mqtt:} settings of upstream {@code u}; the defaults when it was read without this binding. */
    public static MqttUpstreamSettings of(UpstreamConfig u) {
        MqttUpstreamSettings mqtt = u.key(MqttConfiguration.KEY, MqttUpstreamSettings.class);
        return mqtt == null ? DEFAULTS : mqtt;
    }

    /** The client's stores in the form core's TLS loader reads, or null when it names none. */
    public TlsSettings tls() {
        return trustStore == null && keyStore == null ? null
                : new TlsSettings(keyStore, keyStorePassword, null, null, trustStore, trustStorePassword, null, null, null);
    }
}
