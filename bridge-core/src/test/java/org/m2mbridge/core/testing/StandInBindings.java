package org.m2mbridge.core.testing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigUrls;
import org.m2mbridge.core.config.ListenerConfig;

/**
 * Stand-ins for shipped bindings a module's tests do not have installed (core has none; a binding never depends on
 * another): each declares the keys of the shipped one the tests load ({@code listeners.ws}/{@code wss}, the
 * {@code url} of an upstream) with its names and messages, and starts nothing. A module installs the ones it lacks
 * in {@code src/test/installed-bindings/META-INF/services/org.m2mbridge.core.Binding}, which only its own surefire
 * run puts on the class path (parent pom): neither its test-classes nor its test-jar carry the registration, so no
 * other module installs them by depending on it.
 */
public abstract class StandInBindings implements Binding {
    private final String name;
    private final int order;
    private final BindingConfiguration configuration;

    private StandInBindings(String name, int order, List<String> schemes, String example, Map<String, Class<?>> listeners,
                    Set<String> devices, Set<String> tls) {
        this.name = name;
        this.order = order;
        this.configuration = new BindingConfiguration() {
            @Override
            public Map<String, Class<?>> listeners() {
                return listeners;
            }

            @Override
            public Set<String> deviceListeners() {
                return devices;
            }

            @Override
            public Set<String> tlsListeners() {
                return tls;
            }

            @Override
            public void validate(BridgeConfig config) {
                ConfigUrls.requireUrls(config, name, schemes, example);
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int order() {
        return order;
    }

    @Override
    public BindingConfiguration configuration() {
        return configuration;
    }

    @Override
    public void start(BridgeContext context) {
        throw new UnsupportedOperationException("a stand-in for core's configuration tests; it starts nothing");
    }

    @Override
    public Map<String, URI> boundListeners() {
        return Map.of();
    }

    @Override
    public void stop(Duration grace) {
    }

    /** {@code listeners.ws} and {@code listeners.wss} (TLS), devices' both; upstreams {@code binding: ws}. */
    public static final class Ws extends StandInBindings {
        public Ws() {
            super("ws", 0, List.of("ws", "wss"), "ws://127.0.0.1:8180/",
                    Map.of("ws", ListenerConfig.class, "wss", ListenerConfig.class), Set.of("ws", "wss"), Set.of("wss"));
        }
    }

    /** Upstreams {@code binding: http}. */
    public static final class Http extends StandInBindings {
        public Http() {
            super("http", 1, List.of("http", "https"), "http://127.0.0.1:8080", Map.of(), Set.of(), Set.of());
        }
    }
}
