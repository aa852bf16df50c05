package org.m2mbridge.core.config;

import java.time.Duration;

/**
 * The admin listener's access rules and connection limits ({@code admin:} in bridge.yaml). The listener binds to
 * loopback by default, so with no token the status API is open to whoever can reach that address; set a token
 * before binding it wider.
 *
 * @param token          when set, {@code /api/*} and {@code /status} need {@code Authorization: Bearer <token>}
 *                       (or {@code ?token=<token>} for the page in a browser); unset = open (default)
 * @param protectMetrics when true and a token is set, {@code /metrics} needs it too (Prometheus
 *                       {@code authorization.credentials}); {@code /health/*} always stays open for probes
 * @param headerTimeout  time a client gets for a whole request head (default 10s)
 * @param idleTimeout    keep-alive connection without a request closed after this (default 60s)
 * @param maxConnections open connections (default 64: a scraper, probes and a few status pages)
 * @param maxConnectionsPerAddress open connections from one IP address (default 32, or maxConnections if lower)
 * @param readinessIncludesUpstreams when true, {@code /health/ready} is 503 while an upstream is unreachable;
 *                       default false: behind a load balancer every replica shares the upstream, and taking them
 *                       all out of rotation at once leaves devices nowhere to connect, while a connected device is
 *                       still served (store-and-forward, answers from the bridge) until the upstream is back
 *                       (README "Health")
 */
public record AdminSettings(String token, Boolean protectMetrics, Duration headerTimeout, Duration idleTimeout,
                            Integer maxConnections, Integer maxConnectionsPerAddress,
                            Boolean readinessIncludesUpstreams) {
    public static final AdminSettings DEFAULTS = new AdminSettings(null, null);

    public AdminSettings {
        token = token == null || token.isBlank() ? null : token.trim();
        protectMetrics = protectMetrics != null && protectMetrics;
        headerTimeout = headerTimeout == null ? Duration.ofSeconds(10) : headerTimeout;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
        maxConnections = maxConnections == null ? 64 : maxConnections;
        maxConnectionsPerAddress = maxConnectionsPerAddress == null ? Math.min(32, maxConnections)
                : maxConnectionsPerAddress;
        readinessIncludesUpstreams = readinessIncludesUpstreams != null && readinessIncludesUpstreams;
    }

    /** Access rules only; the connection limits and readiness default. */
    public AdminSettings(String token, Boolean protectMetrics) {
        this(token, protectMetrics, null, null, null, null, null);
    }

    /** The admin listener's connection limits, as configured (before the file-descriptor share). */
    public ListenerLimits listenerLimits() {
        return new ListenerLimits(headerTimeout, idleTimeout, maxConnections, maxConnectionsPerAddress);
    }

    void validate() {
        ConfigException.require(token == null || token.length() >= 16, "admin.token",
                "must be at least 16 characters (a guessable token protects nothing)");
        ConfigException.require(!protectMetrics || token != null, "admin.protectMetrics",
                "needs admin.token to be set");
        listenerLimits().validate("admin");
    }
}
