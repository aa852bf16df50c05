package org.m2mbridge.distribution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.UpstreamConfig;

/**
 * Finds the installed bindings through {@code META-INF/services/org.m2mbridge.core.Binding} (Artemis'
 * ProtocolManagerFactory idea): the distribution never names a binding class, so a jar in {@code lib/} is all it
 * takes to add one.
 */
final class BindingDiscovery {

    private BindingDiscovery() {
    }

    /** One instance per binding name, in the order the bindings declare ({@link Binding#order}, then by name). */
    static List<Binding> discover(ClassLoader loader) {
        Map<String, Binding> byName = new LinkedHashMap<>();
        try {
            for (Binding b : ServiceLoader.load(Binding.class, loader)) {
                Binding previous = byName.putIfAbsent(b.name(), b);
                if (previous != null) {
                    throw new StartupFailure("two bindings are named '" + b.name() + "': "
                            + previous.getClass().getName() + " and " + b.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new StartupFailure("a binding in lib/ cannot be loaded: " + e.getMessage(), e);
        }
        List<Binding> out = new ArrayList<>(byName.values());
        out.sort(Comparator.comparingInt(Binding::order).thenComparing(Binding::name));
        return out;
    }

    /** Every upstream must be served by an installed binding; names the first key that is not. */
    static void requireBindingsFor(BridgeConfig config, List<Binding> bindings) {
        List<String> names = bindings.stream().map(Binding::name).toList();
        for (int i = 0; i < config.upstreams().size(); i++) {
            UpstreamConfig u = config.upstreams().get(i);
            ConfigException.require(names.contains(u.binding()), "upstreams[" + i + "].binding",
                    "upstream '" + u.name() + "' needs binding '" + u.binding()
                            + "', which is not installed (installed: " + names + ")");
        }
    }
}
