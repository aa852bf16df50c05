package org.m2mbridge.core.config;

/**
 * A listening socket.
 *
 * @param host      address to bind; {@code 127.0.0.1} by default, {@code 0.0.0.0} for all interfaces
 * @param port      port to bind; 0 picks a free port (the bound one is logged: {@code listening ws=...})
 * @param publicUrl how peers reach this listener from outside (NAT, load balancer), e.g.
 *                  {@code ws://edge.example.com:8180} or {@code http://10.0.0.5:8280}; defaults to the bound address
 * @param tls       TLS material and policy; required on a TLS listener ({@code listeners.wss}), refused elsewhere
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

    void validate(String key) {
        ConfigException.require(port != null, key + ".port", "is required (0 = pick a free port)");
        ConfigException.require(port >= 0 && port <= 65535, key + ".port", "must be 0..65535, got " + port);
        dialect.validate(key + ".dialect");
    }

    /** A listener for CSEs or operators, where no device speaks. */
    public void validateNotForDevices(String key) {
        ConfigException.require(dialect.isEmpty(), key + ".dialect", "only device listeners (ws, wss, deviceHttp, "
                + "deviceMqtt) take a dialect");
    }

    /** A plain listener: {@code port} in range, its dialect valid, no {@code tls}; throws naming {@code key}. */
    public void validatePlain(String key) {
        validate(key);
        ConfigException.require(tls == null, key + ".tls", "this listener is plain; put TLS on listeners.wss");
    }

    public void validateTls(String key) {
        validate(key);
        ConfigException.require(tls != null, key + ".tls", "is required on a TLS listener");
        tls.validate(key + ".tls");
    }
}
