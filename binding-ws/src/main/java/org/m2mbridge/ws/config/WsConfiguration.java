package org.m2mbridge.ws.config;

import java.util.Map;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;

/** The configuration keys the WebSocket binding owns: the {@code ws:} section ({@link WsSettings}). */
public final class WsConfiguration implements BindingConfiguration {
    /** The top-level key of {@link WsSettings}. */
    static final String SECTION = "ws";

    @Override
    public Map<String, Class<?>> sections() {
        return Map.of(SECTION, WsSettings.class);
    }

    @Override
    public void validate(BridgeConfig config) {
        WsSettings.of(config).validate();
    }
}
