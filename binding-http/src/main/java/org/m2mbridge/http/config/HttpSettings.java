package org.m2mbridge.http.config;

import java.time.Duration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ListenerLimits;

/**
 * HTTP binding, inbound side (TS-0009): the server upstream CSEs send notifications to, and the one HTTP devices
 * use as their registrar. Owned by the HTTP binding. The four connection limits apply to {@code listeners.http} and
 * {@code listeners.deviceHttp} each (docs/security.md, "HTTP listeners").
 *
 * @param notificationPath path prefix of the per-entity notification URL put into a rewritten {@code poa}
 *                         (default {@code /notify}; the poa is {@code <publicUrl><notificationPath>/<token>})
 * @param ioThreads        Undertow I/O threads of the inbound server (default 2; requests are never processed on
 *                         them for long, the bus is asynchronous)
 * @param headerTimeout    time a client gets for a whole request head (default 10s; a CSE sends it in one piece)
 * @param idleTimeout      keep-alive connection without a request closed after this (default 60s)
 * @param maxConnections   open connections per listener (default 4096; lower if the file-descriptor limit is low)
 * @param maxConnectionsPerAddress open connections per listener from one IP address (default 1024, or
 *                         maxConnections if lower)
 */
public record HttpSettings(String notificationPath, Integer ioThreads, Duration headerTimeout, Duration idleTimeout,
                           Integer maxConnections, Integer maxConnectionsPerAddress) {
    public static final HttpSettings DEFAULTS = new HttpSettings(null, null);

    public HttpSettings {
        notificationPath = notificationPath == null ? "/notify" : notificationPath;
        ioThreads = ioThreads == null ? 2 : ioThreads;
        headerTimeout = headerTimeout == null ? Duration.ofSeconds(10) : headerTimeout;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
        maxConnections = maxConnections == null ? 4096 : maxConnections;
        maxConnectionsPerAddress = maxConnectionsPerAddress == null ? Math.min(1024, maxConnections)
                : maxConnectionsPerAddress;
        ConfigException.require(notificationPath.startsWith("/") && !notificationPath.endsWith("/")
                && !notificationPath.startsWith("/~") && !notificationPath.startsWith("/_"), "http.notificationPath",
                "must start with / and not end with /, and must not be /~ or /_ (oneM2M path prefixes); got '"
                        + notificationPath + "'");
        ConfigException.require(ioThreads > 0, "http.ioThreads", "must be positive");
        new ListenerLimits(headerTimeout, idleTimeout, maxConnections, maxConnectionsPerAddress).validate("http");
    }

    /** Path and I/O threads only; the listener limits default. */
    public HttpSettings(String notificationPath, Integer ioThreads) {
        this(notificationPath, ioThreads, null, null, null, null);
    }

    /** The {@code http:} section of {@code config}; its defaults when the configuration was read without this binding. */
    public static HttpSettings of(BridgeConfig config) {
        HttpSettings http = config.section(HttpConfiguration.KEY, HttpSettings.class);
        return http == null ? DEFAULTS : http;
    }

    /** The connection limits of each HTTP binding listener, as configured (before the file-descriptor share). */
    public ListenerLimits listenerLimits() {
        return new ListenerLimits(headerTimeout, idleTimeout, maxConnections, maxConnectionsPerAddress);
    }
}
