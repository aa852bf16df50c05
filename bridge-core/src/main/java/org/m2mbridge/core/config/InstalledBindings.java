package org.m2mbridge.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import org.m2mbridge.core.Binding;

/**
 * The {@link BindingConfiguration} of every installed binding, by binding name: what {@link ConfigLoader} accepts
 * beyond core's own keys, and what {@code upstreams[].binding} may name.
 */
public final class InstalledBindings {
    /** No binding installed: core's keys only. */
    public static final InstalledBindings NONE = new InstalledBindings(Map.of());

    private final Map<String, BindingConfiguration> byName;
    private final Map<String, Class<?>> sections;
    private final Map<String, Class<?>> listeners;
    private final Map<String, Class<?>> upstreamKeys;
    private final List<String> deviceListeners;
    private final List<String> tlsListeners;

    private InstalledBindings(Map<String, BindingConfiguration> byName) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        this.sections = merged(byName, BindingConfiguration::sections, "");
        this.listeners = merged(byName, BindingConfiguration::listeners, "listeners.");
        this.upstreamKeys = merged(byName, BindingConfiguration::upstreamKeys, "upstreams[].");
        this.deviceListeners = declared(byName, BindingConfiguration::deviceListeners, DeviceListener.class,
                "a device listener");
        this.tlsListeners = declared(byName, BindingConfiguration::tlsListeners, ListenerConfig.class,
                "a TLS listener");
    }

    /** The listener keys of one kind, in binding order (each binding's sorted); each a listener of {@code type}. */
    private static List<String> declared(Map<String, BindingConfiguration> byName,
                                         Function<BindingConfiguration, Set<String>> kind, Class<?> type, String what) {
        List<String> out = new ArrayList<>();
        byName.forEach((name, configuration) -> kind.apply(configuration).stream().sorted().forEach(key -> {
            Class<?> declared = configuration.listeners().get(key);
            if (declared == null || !type.isAssignableFrom(declared)) {
                throw new IllegalStateException("binding " + name + " declares listeners." + key + " " + what
                        + ", but not as a listener whose record is a " + type.getSimpleName());
            }
            out.add(key);
        }));
        return List.copyOf(out);
    }

    /**
     * The configurations of {@code bindings}, in their start order ({@link Binding#order}, then as listed): the
     * order messages name their keys in, whatever order the class path lists them.
     */
    public static InstalledBindings of(List<? extends Binding> bindings) {
        Map<String, BindingConfiguration> out = new LinkedHashMap<>();
        bindings.stream().sorted(Comparator.comparingInt(Binding::order))
                .forEach(b -> out.put(b.name(), b.configuration()));
        return new InstalledBindings(out);
    }

    /** The bindings registered on {@code loader} ({@code META-INF/services/org.m2mbridge.core.Binding}). */
    public static InstalledBindings on(ClassLoader loader) {
        List<Binding> found = new ArrayList<>();
        ServiceLoader.load(Binding.class, loader).forEach(found::add);
        return of(found);
    }

    /** One key declared by two bindings must bind to one type, else the file could not say which it means. */
    private static Map<String, Class<?>> merged(Map<String, BindingConfiguration> byName,
                                                Function<BindingConfiguration, Map<String, Class<?>>> keys,
                                                String prefix) {
        Map<String, Class<?>> out = new LinkedHashMap<>();
        byName.forEach((name, configuration) -> keys.apply(configuration).forEach((key, type) -> {
            Class<?> other = out.putIfAbsent(key, type);
            if (other != null && other != type) {
                throw new IllegalStateException("binding " + name + " declares " + prefix + key + " as "
                        + type.getSimpleName() + ", another binding as " + other.getSimpleName());
            }
        }));
        return Collections.unmodifiableMap(out);
    }

    /** Binding names, in order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** Each binding's configuration, by name, in order. */
    public Map<String, BindingConfiguration> byName() {
        return byName;
    }

    /** The same bindings installed (a reload reads the file again with the running ones). */
    @Override
    public boolean equals(Object o) {
        return o instanceof InstalledBindings other && other.names().equals(names());
    }

    @Override
    public int hashCode() {
        return names().hashCode();
    }

    @Override
    public String toString() {
        return "installed bindings " + names();
    }

    /** Top-level section keys with their types. */
    Map<String, Class<?>> sections() {
        return sections;
    }

    /** Listener keys with their types. */
    Map<String, Class<?>> listeners() {
        return listeners;
    }

    /** The device listener keys, in binding order. */
    List<String> deviceListeners() {
        return deviceListeners;
    }

    /** The TLS listener keys, in binding order. */
    List<String> tlsListeners() {
        return tlsListeners;
    }

    /** Upstream keys with their types. */
    Map<String, Class<?>> upstreamKeys() {
        return upstreamKeys;
    }
}
