package org.m2mbridge.mqtt;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.config.BindingType;
import org.m2mbridge.core.config.MqttSettings;
import org.m2mbridge.core.config.MqttUpstreamSettings;
import org.m2mbridge.core.config.UpstreamConfig;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The MQTT binding (TS-0010): one {@link MqttUpstream} with its own client session per upstream configured with
 * {@code binding: mqtt}. It opens no listener: the bridge is a client of the upstream's broker. Starting never
 * waits for a broker; an upstream whose broker is down answers 5103 until it connects.
 */
public final class MqttBinding implements Binding {
    private final List<MqttUpstream> upstreams = new CopyOnWriteArrayList<>();
    private MessageDispatch dispatch;
    private volatile boolean stopped;

    public MqttBinding() {
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public synchronized void start(BridgeContext context) throws Exception {
        routePahoLogging();
        MqttSettings settings = context.config().mqtt();
        dispatch = new MessageDispatch(settings.dispatchThreads(), settings.dispatchQueue());
        for (UpstreamConfig u : context.config().upstreams()) {
            if (u.binding() != BindingType.MQTT) {
                continue;
            }
            PahoMqttTransport.Options options = options(u, settings);
            MqttUpstream upstream = new MqttUpstream(u, context.bus(), context.codecs(), dispatch,
                    (handler, listener) -> new PahoMqttTransport(options, context.timer(), handler, listener));
            context.bus().addUpstream(upstream);
            upstreams.add(upstream);
            upstream.start();
        }
    }

    static PahoMqttTransport.Options options(UpstreamConfig u, MqttSettings settings) {
        MqttUpstreamSettings m = u.mqtt();
        // Clean session: TS-0010 6.3 asks for false so that the broker queues QoS 1 messages (notifications for
        // devices, answers to requests in flight) while the bridge is briefly disconnected. The bridge still
        // re-subscribes on every connect, so a broker that lost the session (restart without persistence, expiry)
        // heals too; true is available for brokers that cap persistent sessions.
        return new PahoMqttTransport.Options(u.broker(),
                m.clientId() != null ? m.clientId() : "C::bridge-" + u.name(), m.username(), m.password(),
                m.maxInflight(), m.keepAlive(), m.cleanSession(), m.connectTimeout(), m.maxReconnectDelay(),
                m.trustStore(), m.trustStorePassword(), m.keyStore(), m.keyStorePassword(),
                settings.dataDir() == null ? null : Path.of(settings.dataDir(), "mqtt", u.name()));
    }

    /** Paho logs through java.util.logging (stack-notes 1.3); send it to SLF4J once per JVM. */
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
    public boolean isReady() {
        return upstreams.stream().allMatch(MqttUpstream::isReachable);
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
        if (dispatch != null) {
            dispatch.stop(grace);
        }
    }

    /** The upstreams this binding created, for tests and the status API. */
    public List<MqttUpstream> upstreams() {
        return List.copyOf(upstreams);
    }
}
