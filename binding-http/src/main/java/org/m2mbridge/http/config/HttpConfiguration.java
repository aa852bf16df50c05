package org.m2mbridge.http.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigUrls;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.ListenerShare;
import org.m2mbridge.core.config.Preflight;
import org.m2mbridge.core.config.UpstreamConfig;

/**
 * The configuration keys the HTTP binding owns (TS-0009): the {@code http:} section ({@link HttpSettings}),
 * {@code listeners.http} (upstream CSEs' notifications and requests) and {@code listeners.deviceHttp} (HTTP devices'
 * registrar), and on an upstream the {@code http:} subtree ({@link HttpUpstreamSettings}) and {@code notifications}.
 */
public final class HttpConfiguration implements BindingConfiguration {
    /** The key of the {@code http:} section and of an upstream's {@code http:} subtree. */
    static final String KEY = "http";
    /** The listener upstream CSEs send notifications and requests to. */
    public static final String CSE_LISTENER = "http";
    /** The listener HTTP devices send their requests to, as to their registrar. */
    public static final String DEVICE_LISTENER = "deviceHttp";
    /** The upstream key saying whether an http upstream may reach entities registered through it. */
    public static final String NOTIFICATIONS = "notifications";
    /** What the start-up summary calls the share of both listeners ({@code FileDescriptorBudget}). */
    public static final String LISTENER_SHARE = CSE_LISTENER + "/" + DEVICE_LISTENER;
    /** Both HTTP listeners together: at most this fraction of the usable descriptors (docs/security.md). */
    private static final int SHARE_DIVISOR = 4;

    private final String binding;

    /** The keys of binding {@code binding} ({@code http}): its upstreams are the ones naming it. */
    public HttpConfiguration(String binding) {
        this.binding = binding;
    }

    /** {@code listeners.http} of {@code config}; null when not configured. */
    public static ListenerConfig cseListener(BridgeConfig config) {
        return config.listeners().get(CSE_LISTENER, ListenerConfig.class);
    }

    /** {@code listeners.deviceHttp} of {@code config}; null when not configured. */
    public static ListenerConfig deviceListener(BridgeConfig config) {
        return config.listeners().get(DEVICE_LISTENER, ListenerConfig.class);
    }

    /**
     * Whether upstream {@code u} sends notifications and requests to entities registered through it (default true),
     * which needs {@code listeners.http}; {@code false} starts without that listener and announces no point of access
     * for the entities (docs/architecture.md).
     */
    public static boolean notifications(UpstreamConfig u) {
        return !Boolean.FALSE.equals(u.key(NOTIFICATIONS, Boolean.class));
    }

    @Override
    public Map<String, Class<?>> sections() {
        return Map.of(KEY, HttpSettings.class);
    }

    @Override
    public Map<String, Class<?>> listeners() {
        return Map.of(CSE_LISTENER, ListenerConfig.class, DEVICE_LISTENER, ListenerConfig.class);
    }

    @Override
    public Set<String> deviceListeners() {
        return Set.of(DEVICE_LISTENER);
    }

    @Override
    public Map<String, Class<?>> upstreamKeys() {
        return Map.of(KEY, HttpUpstreamSettings.class, NOTIFICATIONS, Boolean.class);
    }

    @Override
    public void validate(BridgeConfig config) {
        ConfigUrls.requireUrls(config, binding, List.of("http", "https"), "http://127.0.0.1:8080");
        boolean cse = cseListener(config) != null;
        for (int i = 0; i < config.upstreams().size(); i++) {
            validateReachBack(config.upstreams().get(i), "upstreams[" + i + "]", cse);
        }
    }

    /**
     * An http upstream reaches entities registered through it only through {@code listeners.http}: without that
     * listener it could never notify them, so the start is refused unless {@code notifications: false} says so.
     */
    private void validateReachBack(UpstreamConfig u, String key, boolean cseListener) {
        boolean ours = binding.equals(u.binding());
        ConfigException.require(ours || notifications(u), key + "." + NOTIFICATIONS, "only applies to binding "
                + binding + " (an mqtt or ws upstream reaches entities over its own connection)");
        ConfigException.require(!ours || !notifications(u) || cseListener, key + "." + NOTIFICATIONS,
                "upstream '" + u.name() + "' (" + key + ", binding " + binding + ") can only send notifications to"
                        + " entities behind the bridge through listeners." + CSE_LISTENER + ", which is not"
                        + " configured: add listeners." + CSE_LISTENER + ", or set " + key + "." + NOTIFICATIONS
                        + ": false");
    }

    @Override
    public void preflight(BridgeConfig config, Preflight.Checks checks) {
        for (int i = 0; i < config.upstreams().size(); i++) {
            UpstreamConfig u = config.upstreams().get(i);
            if (binding.equals(u.binding())) {
                checks.clientTls(HttpUpstreamSettings.of(u).tls(), "upstreams[" + i + "]." + KEY + ".tls");
            }
        }
    }

    /** Each http upstream's pool, and the pool that reaches HTTP devices' own poa. */
    @Override
    public int outboundConnections(BridgeConfig config) {
        long n = 0;
        for (UpstreamConfig u : config.upstreams()) {
            if (binding.equals(u.binding())) {
                n += HttpUpstreamSettings.of(u).maxConnections();
            }
        }
        if (deviceListener(config) != null) {
            n += HttpUpstreamSettings.DEFAULTS.maxConnections();
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /** Both listeners together take a quarter of the descriptors, each at most its {@code http.*} limits. */
    @Override
    public List<ListenerShare> listenerShares(BridgeConfig config) {
        int listeners = (cseListener(config) != null ? 1 : 0) + (deviceListener(config) != null ? 1 : 0);
        return List.of(ListenerShare.bounded(LISTENER_SHARE, listeners, HttpSettings.of(config).listenerLimits(),
                SHARE_DIVISOR, "each HTTP listener at %d connections (" + KEY + ".maxConnections %d)"));
    }
}
