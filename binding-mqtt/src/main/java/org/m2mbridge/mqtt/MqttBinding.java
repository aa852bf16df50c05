package org.m2mbridge.mqtt;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.bus.Upstream;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.mqtt.config.DeviceMqttConfig;
import org.m2mbridge.mqtt.config.MqttConfiguration;
import org.m2mbridge.mqtt.config.MqttSettings;
import org.m2mbridge.mqtt.config.MqttUpstreamSettings;
import org.m2mbridge.core.dialect.DialectRepair;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.core.status.ReadinessCheck;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The MQTT binding (TS-0010): one {@link MqttUpstream} with its own client session per upstream configured with
 * {@code binding: mqtt}, and with {@code listeners.deviceMqtt} one {@link DeviceBrokerSession} for devices that speak
 * MQTT to the bridge. It opens no listener: the bridge is a client of the brokers. Starting never
 * waits for a broker; an upstream whose broker is down answers 5103 until it connects.
 */
public final class MqttBinding implements Binding {
    /** How long a replaced upstream's requests in flight may finish before its session closes (reload). */
    private static final Duration REPLACE_GRACE = Duration.ofSeconds(1);
    private final List<MqttUpstream> upstreams = new CopyOnWriteArrayList<>();
    private MessageDispatch dispatch;
    private BridgeContext context;
    private volatile DeviceBrokerSession deviceSession;
    private volatile boolean stopped;

    /** The binding's name: {@code binding: mqtt} on an upstream. */
    static final String NAME = "mqtt";

    public MqttBinding() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BindingConfiguration configuration() {
        return new MqttConfiguration(NAME);
    }

    @Override
    public int order() {
        return 2;
    }

    @Override
    public List<String> upstreamFiles(UpstreamConfig config) {
        MqttUpstreamSettings mqtt = MqttUpstreamSettings.of(config);
        return java.util.stream.Stream.of(mqtt.keyStore(), mqtt.trustStore())
                .filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public List<String> listenerKeys() {
        return List.of(DeviceMqttConfig.KEY);
    }

    @Override
    public synchronized void start(BridgeContext context) throws Exception {
        routePahoLogging();
        MqttSettings settings = MqttSettings.of(context.config());
        DeviceMqttConfig devices = DeviceMqttConfig.of(context.config());
        if (devices != null) {
            refuseSharedBroker(context.config().upstreams(), devices);
        }
        dispatch = new MessageDispatch(settings.dispatchThreads(), settings.dispatchQueue());
        this.context = context;
        for (UpstreamConfig u : context.config().upstreams()) {
            if (!name().equals(u.binding())) {
                continue;
            }
            MqttUpstream upstream = newUpstream(u);
            context.bus().addUpstream(upstream);
            upstream.start();
        }
        if (devices != null) {
            startDevices(context, devices, settings);
        }
    }

    private MqttUpstream newUpstream(UpstreamConfig u) {
        PahoMqttTransport.Options options = options(u, MqttSettings.of(context.config()));
        MqttUpstream upstream;
        try {
            upstream = new MqttUpstream(u, context.bus(), context.codecs(), context.metrics(), context.timer(), dispatch,
                    (handler, listener) -> new PahoMqttTransport(options, context.timer(), handler, listener));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("upstream " + u.name() + ": cannot create its MQTT client: "
                    + e.getMessage(), e);
        }
        upstreams.add(upstream);
        return upstream;
    }

    /**
     * Reload: refused, like at start, when it would share the devices' broker (see refuseSharedBroker). An upstream
     * of the same name is stopped first: the new session has the same client id, and two sessions with one id
     * would take the broker connection from each other until the old one stopped. Its requests in flight get 5103.
     */
    @Override
    public synchronized Upstream startUpstream(UpstreamConfig u) {
        DeviceMqttConfig devices = DeviceMqttConfig.of(context.config());
        if (devices != null) {
            refuseSharedBroker(List.of(u), devices);
        }
        for (MqttUpstream old : upstreams) {
            if (old.name().equals(u.name()) && upstreams.remove(old)) {
                old.stop(REPLACE_GRACE);
            }
        }
        MqttUpstream upstream = newUpstream(u);
        upstream.start();
        return upstream;
    }

    /** Disconnects its session after up to {@code grace} for the requests in flight. */
    @Override
    public void retireUpstream(Upstream upstream, Duration grace) {
        if (upstream instanceof MqttUpstream mqtt && upstreams.remove(mqtt)) {
            mqtt.stop(grace);
        }
    }

    /**
     * The devices' session must not share a broker with an MQTT upstream: its subscriptions would take the requests
     * the bridge publishes upstream, and the upstream's entity subscriptions the notifications it publishes to
     * devices (a loop). Compared by URI, so an alias of the same broker (another host name) is not caught.
     */
    private static void refuseSharedBroker(List<UpstreamConfig> upstreamConfigs, DeviceMqttConfig devices) {
        String broker = PahoMqttTransport.pahoUri(devices.broker());
        for (UpstreamConfig u : upstreamConfigs) {
            if (NAME.equals(u.binding()) && PahoMqttTransport.pahoUri(MqttConfiguration.broker(u)).equals(broker)) {
                throw new ConfigException("listeners.deviceMqtt.broker: must not be the broker of MQTT upstream '"
                        + u.name() + "' (" + MqttConfiguration.broker(u) + "); the bridge would take its own upstream traffic");
            }
        }
    }

    /** The session for devices that speak MQTT to the bridge ({@code listeners.deviceMqtt}). */
    private void startDevices(BridgeContext context, DeviceMqttConfig devices, MqttSettings settings)
            throws Exception {
        List<String> receivers = (devices.receivers().isEmpty()
                ? context.config().upstreams().stream().map(UpstreamConfig::cseId).toList()
                : devices.receivers()).stream().map(TopicNames::segment).distinct().toList();
        PahoMqttTransport.Options options = options(devices.broker(), "C::bridge-devices", devices.mqtt(), settings,
                DeviceBrokerSession.SESSION);
        deviceSession = new DeviceBrokerSession(devices.broker(), receivers, devices.mqtt(), context.bus(),
                context.admission(), context.codecs(), context.metrics(), context.timer(), dispatch,
                (handler, listener) -> new PahoMqttTransport(options, context.timer(), handler, listener),
                DialectRepair.of("deviceMqtt", devices.dialect(), context.config(), context.metrics()));
        deviceSession.start();
    }

    static PahoMqttTransport.Options options(UpstreamConfig u, MqttSettings settings) {
        return options(MqttConfiguration.broker(u), "C::bridge-" + u.name(), MqttUpstreamSettings.of(u), settings,
                u.name());
    }

    /** {@code dataDir}: the subdirectory of {@code mqtt.dataDir}/mqtt for Paho's in-flight state of this session. */
    static PahoMqttTransport.Options options(String broker, String defaultClientId, MqttUpstreamSettings m,
                                             MqttSettings settings, String dataDir) {
        // Clean session: TS-0010 6.3 asks for false so that the broker queues QoS 1 messages (notifications for
        // devices, answers to requests in flight) while the bridge is disconnected. That session is found again by
        // the client id, so the default id is derived from the configuration only (the same after every restart
        // of the bridge), never made up per process. The bridge still re-subscribes on every connect, so a broker
        // that lost the session (restart without persistence, expiry) heals too; true is available for brokers
        // that cap persistent sessions.
        return new PahoMqttTransport.Options(broker,
                m.clientId() != null ? m.clientId() : defaultClientId, m.username(), m.password(),
                m.maxInflight(), m.keepAlive(), m.cleanSession(), m.connectTimeout(), m.maxReconnectDelay(),
                m.trustStore(), m.trustStorePassword(), m.keyStore(), m.keyStorePassword(),
                settings.dataDir() == null ? null : Path.of(settings.dataDir(), "mqtt", dataDir), m.reconnectDelay());
    }

    /** Paho logs through java.util.logging (docs/libraries.md PAHO-5); send it to SLF4J once per JVM. */
    private static void routePahoLogging() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    @Override
    public Map<String, URI> boundListeners() {
        return Map.of();
    }

    @Override
    public List<ConnectionView> connections() {
        DeviceBrokerSession devices = deviceSession;
        return devices == null ? List.of() : devices.view().stream().toList();
    }

    @Override
    public boolean isReady() {
        DeviceBrokerSession devices = deviceSession;
        return devices == null || devices.isConnected();
    }

    /**
     * Devices reach the bridge through the broker of {@code listeners.deviceMqtt}: without that session the binding
     * is not ready. Its upstreams' sessions are each upstream's own check (README "Health").
     */
    @Override
    public List<ReadinessCheck> readiness() {
        return List.of(isReady() ? ReadinessCheck.ready("binding", name()) : ReadinessCheck.notReady("binding",
                name(), "listeners.deviceMqtt: not connected and subscribed at the broker", null));
    }

    @Override
    public synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        for (MqttUpstream u : upstreams) {
            u.stop(grace);
        }
        if (deviceSession != null) {
            deviceSession.stop(grace);
        }
        if (dispatch != null) {
            dispatch.stop(grace);
        }
    }

    /** The link to MQTT devices, when {@code listeners.deviceMqtt} is configured (tests). */
    java.util.Optional<MqttDeviceLink> deviceLink() {
        DeviceBrokerSession devices = deviceSession;
        return devices == null ? java.util.Optional.empty() : java.util.Optional.of(devices.link());
    }

    /** The upstreams this binding created, for tests and the status API. */
    public List<MqttUpstream> upstreams() {
        return List.copyOf(upstreams);
    }
}
