package org.m2mbridge.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.InstalledBindings;
import org.m2mbridge.core.config.LimitsConfig;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.Listeners;
import org.m2mbridge.http.config.HttpSettings;

/**
 * A configuration built by hand for a test that starts {@link HttpBinding} without a file: this binding installed, so
 * its keys and its share of the file-descriptor budget are declared as when read from {@code bridge.yaml}.
 */
final class HandBuiltConfig {

    private HandBuiltConfig() {
    }

    /**
     * {@code listeners.http} = {@code cse} and {@code listeners.deviceHttp} = {@code devices} (either null: not
     * configured), with {@code limits} and the {@code http:} section {@code http} (null: its defaults).
     */
    static BridgeConfig of(ListenerConfig cse, ListenerConfig devices, LimitsConfig limits, HttpSettings http) {
        Map<String, Object> listeners = new LinkedHashMap<>();
        if (cse != null) {
            listeners.put("http", cse);
        }
        if (devices != null) {
            listeners.put("deviceHttp", devices);
        }
        return new BridgeConfig(new Listeners(null, listeners), List.of(), null, null, limits, null,
                null, null, http == null ? Map.of() : Map.of("http", http),
                InstalledBindings.of(List.of(new HttpBinding())));
    }
}
