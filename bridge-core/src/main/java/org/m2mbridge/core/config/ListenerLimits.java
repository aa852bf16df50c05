package org.m2mbridge.core.config;

import java.time.Duration;

/**
 * What one HTTP listener grants a client connection (docs/security.md, "HTTP listeners"): {@code http.*} for
 * {@code listeners.http} and {@code listeners.deviceHttp}, {@code admin.*} for {@code listeners.admin}.
 *
 * @param headerTimeout            a new connection must deliver its first request head within this; every later
 *                                 request head must be complete this long after its first byte (slowloris)
 * @param idleTimeout              a keep-alive connection with no request in progress is closed after this
 * @param maxConnections           open connections on the listener; a connection beyond it is answered 503 and
 *                                 closed at once, without reading its request
 * @param maxConnectionsPerAddress open connections from one source IP address; beyond it: the same 503
 */
public record ListenerLimits(Duration headerTimeout, Duration idleTimeout, int maxConnections,
                             int maxConnectionsPerAddress) {

    /** The same limits with the connection caps lowered to at most {@code connections} (file-descriptor share). */
    public ListenerLimits cappedAt(int connections) {
        int max = Math.max(1, Math.min(maxConnections, connections));
        return new ListenerLimits(headerTimeout, idleTimeout, max, Math.min(maxConnectionsPerAddress, max));
    }

    /** Throws a {@link ConfigException} naming {@code section.key} for the first value out of range. */
    public void validate(String section) {
        ConfigException.require(headerTimeout.toMillis() > 0, section + ".headerTimeout", "must be positive");
        ConfigException.require(headerTimeout.toMillis() <= Integer.MAX_VALUE, section + ".headerTimeout",
                "must be below 24 days");
        ConfigException.require(idleTimeout.toMillis() > 0, section + ".idleTimeout", "must be positive");
        ConfigException.require(idleTimeout.toMillis() <= Integer.MAX_VALUE, section + ".idleTimeout",
                "must be below 24 days");
        ConfigException.require(maxConnections > 0, section + ".maxConnections", "must be positive");
        ConfigException.require(maxConnectionsPerAddress > 0, section + ".maxConnectionsPerAddress",
                "must be positive");
        ConfigException.require(maxConnectionsPerAddress <= maxConnections, section + ".maxConnectionsPerAddress",
                "must not exceed " + section + ".maxConnections (" + maxConnections + ")");
    }
}
