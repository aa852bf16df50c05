package org.m2mbridge.core.config;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Map;

/**
 * {@code bridge.yaml} as written, before the installed bindings' defaults are added: core's keys, and in
 * {@code sections} the top-level sections installed bindings declare ({@link BindingKeys}).
 */
record ConfigFile(Listeners listeners, List<UpstreamConfig> upstreams, RoutesConfig routes, TimeoutsConfig timeouts,
                  LimitsConfig limits, DemoSettings demo,
                  StoreSettings store, AdminSettings admin,
                  @JsonAnySetter @JsonDeserialize(contentUsing = BindingKeys.Sections.class)
                  Map<String, Object> sections) {

    /** The configuration this file describes with {@code installed}; not validated. */
    BridgeConfig toConfig(InstalledBindings installed) {
        return new BridgeConfig(listeners, upstreams, routes, timeouts, limits, demo, store, admin,
                sections, installed);
    }
}
