package org.m2mbridge.core.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A listening socket.
 *
 * @param host      address to bind; {@code 127.0.0.1} by default, {@code 0.0.0.0} for all interfaces
 * @param port      port to bind; 0 picks a free port (the bound one is logged: {@code listening ws=...})
 * @param publicUrl how peers reach this listener from outside (NAT, load balancer), e.g.
 *                  {@code ws://edge.example.com:8180} or {@code http://10.0.0.5:8280}; defaults to the bound address
 * @param tls       TLS material and policy; required on a TLS listener (one a binding declares in
 *                  {@link BindingConfiguration#tlsListeners}), refused elsewhere
 * @param dialect   repairs for the peer dialect of the devices on this listener (device listeners only); default
 *                  none
 */
public record ListenerConfig(String host, Integer port, String publicUrl, TlsSettings tls, DeviceDialect dialect)
        implements DeviceListener {
    public ListenerConfig {
        host = host == null || host.isBlank() ? "127.0.0.1" : host.trim();
        dialect = dialect == null ? DeviceDialect.NONE : dialect;
    }

    /** Without a dialect. */
    public ListenerConfig(String host, Integer port, String publicUrl, TlsSettings tls) {
        this(host, port, publicUrl, tls, null);
    }

    /** A plain (non-TLS) listener. */
    public ListenerConfig(String host, Integer port, String publicUrl) {
        this(host, port, publicUrl, null);
    }

    /**
     * Checks listener {@code listeners.<name>} by what the {@code installed} bindings declare it: a TLS listener
     * needs {@code tls}, any other refuses it; only a device listener takes a dialect. Throws naming the key.
     */
    void validate(String name, InstalledBindings installed) {
        String key = "listeners." + name;
        ConfigException.require(port != null, key + ".port", "is required (0 = pick a free port)");
        ConfigException.require(port >= 0 && port <= 65535, key + ".port", "must be 0..65535, got " + port);
        dialect.validate(key + ".dialect");
        if (installed.tlsListeners().contains(name)) {
            ConfigException.require(tls != null, key + ".tls", "is required on a TLS listener");
            tls.validate(key + ".tls");
        } else {
            List<String> tlsListeners = installed.tlsListeners();
            ConfigException.require(tls == null, key + ".tls", "this listener is plain" + (tlsListeners.isEmpty()
                    ? "; no installed binding has a TLS listener" : "; put TLS on " + keys(tlsListeners, " or ")));
        }
        ConfigException.require(installed.deviceListeners().contains(name) || dialect.isEmpty(), key + ".dialect",
                "only device listeners (" + String.join(", ", installed.deviceListeners()) + ") take a dialect");
    }

    /** {@code listeners.a, listeners.b}, joined by {@code separator}. */
    static String keys(List<String> names, String separator) {
        return names.stream().map(n -> "listeners." + n).collect(Collectors.joining(separator));
    }
}
