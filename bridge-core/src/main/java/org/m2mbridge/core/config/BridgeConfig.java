package org.m2mbridge.core.config;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration file ({@code config/bridge.yaml}); see that file for every key with a comment.
 *
 * @param sections the top-level sections the installed bindings declare ({@link BindingConfiguration#sections}),
 *                 by key: read them with {@link #section}
 * @param bindings the installed bindings this configuration was read with; their checks run in {@link #validate}
 */
public record BridgeConfig(Listeners listeners, List<UpstreamConfig> upstreams, RoutesConfig routes,
                           TimeoutsConfig timeouts, LimitsConfig limits, DemoSettings demo, StoreSettings store, AdminSettings admin,
                           Map<String, Object> sections, InstalledBindings bindings) {

    public BridgeConfig {
        sections = sections == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(sections));
        bindings = bindings == null ? InstalledBindings.NONE : bindings;
        upstreams = upstreams == null ? List.of() : Collections.unmodifiableList(new java.util.ArrayList<>(upstreams));
        routes = routes == null ? new RoutesConfig(null, null) : routes;
        timeouts = timeouts == null ? TimeoutsConfig.DEFAULTS : timeouts;
        limits = limits == null ? LimitsConfig.DEFAULTS : limits;
        demo = demo == null ? DemoSettings.DEFAULTS : demo;
        store = store == null ? StoreSettings.DEFAULTS : store;
        admin = admin == null ? AdminSettings.DEFAULTS : admin;
    }

    /** Built by hand (a binding's tests): default store and admin settings, no binding sections. */
    public BridgeConfig(Listeners listeners, List<UpstreamConfig> upstreams, RoutesConfig routes,
                        TimeoutsConfig timeouts, LimitsConfig limits, DemoSettings demo) {
        this(listeners, upstreams, routes, timeouts, limits, demo, null, null, null, null);
    }

    /** The same configuration with other upstreams (demo mode points one at the demo CSE); not validated. */
    public BridgeConfig withUpstreams(List<UpstreamConfig> replacement) {
        return new BridgeConfig(listeners, replacement, routes, timeouts, limits, demo, store, admin,
                sections, bindings);
    }

    /** The same configuration with other store settings (demo mode keeps its store in memory); not validated. */
    public BridgeConfig withStore(StoreSettings replacement) {
        return new BridgeConfig(listeners, upstreams, routes, timeouts, limits, demo, replacement, admin,
                sections, bindings);
    }

    /**
     * The top-level section {@code key} an installed binding declares, as the type it declared; null when no
     * installed binding declares it.
     */
    public <T> T section(String key, Class<T> type) {
        return type.cast(sections.get(key));
    }

    /** Checks everything that binding alone cannot; throws {@link ConfigException} naming the key. */
    public BridgeConfig validate() {
        ConfigException.require(listeners != null, "listeners", "is required");
        listeners.validate(bindings);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < upstreams.size(); i++) {
            UpstreamConfig u = upstreams.get(i);
            String key = "upstreams[" + i + "]";
            ConfigException.require(u != null, key, "is empty");
            u.validate(key, bindings);
            ConfigException.require(names.add(u.name()), key + ".name", "'" + u.name() + "' is used twice");
        }
        boolean anyCseName = upstreams.stream().anyMatch(u -> u.cseName() != null);
        listeners.deviceDialects(bindings).forEach((key, dialect) -> ConfigException.require(
                !dialect.slashedCseBaseName() || anyCseName, key + ".dialect.slashedCseBaseName",
                "needs the CSEBase resource name of an upstream (upstreams[].cseName, e.g. cse-in)"));
        if (routes.defaultUpstream() != null) {
            ConfigException.require(names.contains(routes.defaultUpstream()), "routes.default",
                    "names no configured upstream: '" + routes.defaultUpstream() + "' (have " + names + ")");
        }
        for (int i = 0; i < routes.rules().size(); i++) {
            RoutesConfig.RouteRule r = routes.rules().get(i);
            String key = "routes.rules[" + i + "]";
            ConfigException.require(r.prefix() != null && r.prefix().startsWith("/"), key + ".prefix",
                    "must be an SP-relative or absolute ID prefix such as /id-mn or //sp.example/id-mn");
            ConfigException.require(names.contains(r.upstream()), key + ".upstream",
                    "names no configured upstream: '" + r.upstream() + "'");
        }
        timeouts.validate();
        limits.validate();
        store.validate();
        admin.validate();
        bindings.byName().values().forEach(b -> b.validate(this));
        return this;
    }
}
