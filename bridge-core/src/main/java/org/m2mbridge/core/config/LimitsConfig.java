package org.m2mbridge.core.config;

import java.time.Duration;

/**
 * Resource limits (docs/security.md has the threat each one answers and how a refusal looks on the wire).
 *
 * @param maxMessageBytes  largest primitive accepted on any binding (WS message after inflation, HTTP body, MQTT
 *                         payload); default 1 MiB
 * @param maxDepth         deepest nesting accepted in a primitive; default 64
 * @param maxInflightPerConnection requests outstanding per connection, each direction; over it: 5xxx, not a stall;
 *                         default 2048
 * @param maxConnections   WebSocket connections in total (ws and wss together); over it: HTTP 503 at the
 *                         handshake; default 20000
 * @param maxConnectionsPerAddress WebSocket connections from one source IP address; over it: HTTP 503 at the
 *                         handshake; default 1000 (many devices may share one NAT address)
 * @param maxEntitiesPerConnection entities (AEs, CSEs) one connection may carry (TS-0020 T4); a registration or
 *                         re-identification over it is answered 5000; default 256
 * @param handshakeTimeout time a client gets to send its whole HTTP upgrade request once connected (and, on
 *                         wss, to finish TLS first); a slower one is disconnected (slowloris); default 10s
 * @param requestsPerSecondPerConnection sustained requests per second one connection may send (token bucket);
 *                         over it a request is answered 5000 "rate limit" at once; 0 = unlimited; default 1000 (an
 *                         MN-CSE may speak for many AEs; a flood arrives at tens of thousands per second)
 * @param requestBurstPerConnection bucket size: requests a connection may send at once after being quiet;
 *                         default 2 x {@code requestsPerSecondPerConnection}
 * @param inboundBudgetBytes bytes all connections together may hold in messages not yet received whole and in
 *                         responses not yet sent (one process-wide budget, docs/security.md); when it is spent the
 *                         connections holding the most are shed. 0 (the default) = a quarter of the maximum heap,
 *                         at most half the maximum direct memory ({@code org.m2mbridge.core.budget.BudgetSize})
 * @param unregisteredMessageBytes largest message a connection that carries no registered entity yet may send (it
 *                         may only register or re-identify); default 64 KiB, never more than {@code maxMessageBytes}
 * @param messageAssemblyTimeout time from the first byte of a message to its last; a message not complete by then
 *                         closes its connection (slow or stalled senders holding memory); default 30s
 */
public record LimitsConfig(Integer maxMessageBytes, Integer maxDepth, Integer maxInflightPerConnection,
                           Integer maxConnections, Integer maxConnectionsPerAddress, Integer maxEntitiesPerConnection,
                           Duration handshakeTimeout, Integer requestsPerSecondPerConnection,
                           Integer requestBurstPerConnection, Long inboundBudgetBytes,
                           Integer unregisteredMessageBytes, Duration messageAssemblyTimeout) {
    public static final LimitsConfig DEFAULTS = new LimitsConfig(null, null, null, null);

    /**
     * These limits with the per-connection ones (what a reload changes for connections opened after it:
     * {@code maxConnections}, {@code maxConnectionsPerAddress}, {@code maxInflightPerConnection},
     * {@code maxEntitiesPerConnection}, {@code requestsPerSecondPerConnection}, {@code requestBurstPerConnection})
     * taken from {@code next}; the rest need a restart.
     */
    public LimitsConfig withPerConnectionLimitsOf(LimitsConfig next) {
        return new LimitsConfig(maxMessageBytes, maxDepth, next.maxInflightPerConnection, next.maxConnections,
                next.maxConnectionsPerAddress, next.maxEntitiesPerConnection, handshakeTimeout,
                next.requestsPerSecondPerConnection, next.requestBurstPerConnection, inboundBudgetBytes,
                unregisteredMessageBytes, messageAssemblyTimeout);
    }

    public LimitsConfig {
        maxMessageBytes = maxMessageBytes == null ? 1024 * 1024 : maxMessageBytes;
        maxDepth = maxDepth == null ? 64 : maxDepth;
        maxInflightPerConnection = maxInflightPerConnection == null ? 2048 : maxInflightPerConnection;
        maxConnections = maxConnections == null ? 20000 : maxConnections;
        maxConnectionsPerAddress = maxConnectionsPerAddress == null ? 1000 : maxConnectionsPerAddress;
        maxEntitiesPerConnection = maxEntitiesPerConnection == null ? 256 : maxEntitiesPerConnection;
        handshakeTimeout = handshakeTimeout == null ? Duration.ofSeconds(10) : handshakeTimeout;
        requestsPerSecondPerConnection = requestsPerSecondPerConnection == null ? 1000 : requestsPerSecondPerConnection;
        requestBurstPerConnection = requestBurstPerConnection == null
                ? Math.max(1, 2 * requestsPerSecondPerConnection) : requestBurstPerConnection;
        inboundBudgetBytes = inboundBudgetBytes == null ? 0L : inboundBudgetBytes;
        unregisteredMessageBytes = unregisteredMessageBytes == null ? 64 * 1024 : unregisteredMessageBytes;
        messageAssemblyTimeout = messageAssemblyTimeout == null ? Duration.ofSeconds(30) : messageAssemblyTimeout;
    }

    /** The first four limits only (the rest default). */
    public LimitsConfig(Integer maxMessageBytes, Integer maxDepth, Integer maxInflightPerConnection,
                        Integer maxConnections) {
        this(maxMessageBytes, maxDepth, maxInflightPerConnection, maxConnections, null, null, null, null, null, null,
                null, null);
    }

    void validate() {
        ConfigException.require(maxMessageBytes > 0, "limits.maxMessageBytes", "must be positive");
        ConfigException.require(maxDepth > 0, "limits.maxDepth", "must be positive");
        ConfigException.require(maxInflightPerConnection > 0, "limits.maxInflightPerConnection", "must be positive");
        ConfigException.require(maxConnections > 0, "limits.maxConnections", "must be positive");
        ConfigException.require(maxConnectionsPerAddress > 0, "limits.maxConnectionsPerAddress", "must be positive");
        ConfigException.require(maxEntitiesPerConnection > 0, "limits.maxEntitiesPerConnection", "must be positive");
        ConfigException.require(handshakeTimeout.toMillis() > 0, "limits.handshakeTimeout", "must be positive");
        ConfigException.require(requestsPerSecondPerConnection >= 0, "limits.requestsPerSecondPerConnection",
                "must not be negative (0 = unlimited)");
        ConfigException.require(requestBurstPerConnection > 0, "limits.requestBurstPerConnection", "must be positive");
        ConfigException.require(inboundBudgetBytes == 0 || inboundBudgetBytes >= maxMessageBytes,
                "limits.inboundBudgetBytes", "must be 0 (automatic) or at least limits.maxMessageBytes ("
                        + maxMessageBytes + "), or a largest message could never be received");
        ConfigException.require(unregisteredMessageBytes > 0, "limits.unregisteredMessageBytes", "must be positive");
        ConfigException.require(messageAssemblyTimeout.toMillis() > 0, "limits.messageAssemblyTimeout",
                "must be positive");
    }

    /** The message size a connection may send: {@code maxMessageBytes}, or less before it carries an entity. */
    public int messageBytesFor(boolean registered) {
        return registered ? maxMessageBytes : Math.min(unregisteredMessageBytes, maxMessageBytes);
    }
}
