package org.m2mbridge.ws.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigUrls;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.ListenerShare;
import org.m2mbridge.core.config.Preflight;
import org.m2mbridge.core.config.UpstreamConfig;

/**
 * The configuration keys the WebSocket binding owns: the devices' listeners {@code listeners.ws} (plain, only for the
 * secure environment TS-0020 8 allows: it carries no identity) and {@code listeners.wss} (TLS, normally with client
 * certificates, TS-0020 8), the {@code ws:} section ({@link WsSettings}), an upstream's {@code url} and its
 * {@code ws:} subtree ({@link WsUpstreamSettings}).
 */
public final class WsConfiguration implements BindingConfiguration {
    /** The top-level key of {@link WsSettings}, and an upstream's key of {@link WsUpstreamSettings}. */
    static final String SECTION = "ws";
    /** The devices' plain WebSocket listener. */
    static final String PLAIN_LISTENER = "ws";
    /** The devices' WebSocket listener on TLS; needs {@code tls}. */
    static final String TLS_LISTENER = "wss";
    /** The schemes of a WebSocket upstream's {@code url}. */
    private static final List<String> SCHEMES = List.of("ws", "wss");
    /** Client sockets a WebSocket upstream may hold at once (the old one while reconnecting). */
    private static final int CLIENT_SOCKETS = 2;

    private final String binding;

    /** The keys of binding {@code binding} ({@code ws}): its upstreams are the ones naming it. */
    public WsConfiguration(String binding) {
        this.binding = binding;
    }

    /** {@code listeners.ws} of {@code config}; null when not configured. */
    public static ListenerConfig plainListener(BridgeConfig config) {
        return config.listeners().get(PLAIN_LISTENER, ListenerConfig.class);
    }

    /** {@code listeners.wss} of {@code config}; null when not configured. */
    public static ListenerConfig tlsListener(BridgeConfig config) {
        return config.listeners().get(TLS_LISTENER, ListenerConfig.class);
    }

    @Override
    public Map<String, Class<?>> listeners() {
        return Map.of(PLAIN_LISTENER, ListenerConfig.class, TLS_LISTENER, ListenerConfig.class);
    }

    @Override
    public Set<String> deviceListeners() {
        return Set.of(PLAIN_LISTENER, TLS_LISTENER);
    }

    @Override
    public Set<String> tlsListeners() {
        return Set.of(TLS_LISTENER);
    }

    @Override
    public Map<String, Class<?>> sections() {
        return Map.of(SECTION, WsSettings.class);
    }

    @Override
    public Map<String, Class<?>> upstreamKeys() {
        return Map.of(SECTION, WsUpstreamSettings.class);
    }

    @Override
    public void validate(BridgeConfig config) {
        ConfigUrls.requireUrls(config, binding, SCHEMES, "ws://127.0.0.1:8180/");
        WsSettings.of(config).validate();
    }

    @Override
    public void preflight(BridgeConfig config, Preflight.Checks checks) {
        ListenerConfig wss = tlsListener(config);
        if (wss != null) {
            checks.serverTls(wss.tls(), "listeners.wss.tls");
        }
        for (int i = 0; i < config.upstreams().size(); i++) {
            UpstreamConfig u = config.upstreams().get(i);
            if (binding.equals(u.binding())) {
                WsUpstreamSettings ws = WsUpstreamSettings.of(u);
                checks.clientTls(ws.tls(), "upstreams[" + i + "].ws.tls");
                if (ws.proxy() != null) {
                    checks.reachable(ws.proxy().url(), "upstreams[" + i + "].ws.proxy.url");
                }
            }
        }
    }

    @Override
    public int outboundConnections(BridgeConfig config) {
        return (int) config.upstreams().stream().filter(u -> binding.equals(u.binding())).count() * CLIENT_SOCKETS;
    }

    /**
     * The devices' WebSocket listeners take what the bounded shares leave, split between them; above it they stop
     * accepting ({@code limits.FileDescriptorBudget}, docs/security.md "File descriptors").
     */
    @Override
    public List<ListenerShare> listenerShares(BridgeConfig config) {
        int listeners = (plainListener(config) != null ? 1 : 0) + (tlsListener(config) != null ? 1 : 0);
        return List.of(ListenerShare.rest(SECTION, listeners,
                "each WebSocket listener stops accepting above %d connections (limits.maxConnections %d)"));
    }

    /** What {@code WsBinding.reconfigure} applies: the identity map and the wss listener's key and trust files. */
    @Override
    public Set<String> reloadableKeys() {
        return Set.of(SECTION + ".identities",
                "listeners.wss.tls.keyStore", "listeners.wss.tls.keyStorePassword", "listeners.wss.tls.certificate",
                "listeners.wss.tls.privateKey", "listeners.wss.tls.trustStore", "listeners.wss.tls.trustStorePassword");
    }

    @Override
    public List<String> materialReadOnReload(BridgeConfig config) {
        return tlsListener(config) != null ? List.of("listeners.wss.tls") : List.of();
    }
}
