package org.m2mbridge.ws.config;

import java.util.Map;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.Preflight;
import org.m2mbridge.core.config.UpstreamConfig;

/**
 * The configuration keys the WebSocket binding owns: the {@code ws:} section ({@link WsSettings}) and an upstream's
 * {@code ws:} subtree ({@link WsUpstreamSettings}).
 */
public final class WsConfiguration implements BindingConfiguration {
    /** The top-level key of {@link WsSettings}, and an upstream's key of {@link WsUpstreamSettings}. */
    static final String SECTION = "ws";
    /** Client sockets a WebSocket upstream may hold at once (the old one while reconnecting). */
    private static final int CLIENT_SOCKETS = 2;

    private final String binding;

    /** The keys of binding {@code binding} ({@code ws}): its upstreams are the ones naming it. */
    public WsConfiguration(String binding) {
        this.binding = binding;
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
        WsSettings.of(config).validate();
    }

    @Override
    public void preflight(BridgeConfig config, Preflight.Checks checks) {
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
}
