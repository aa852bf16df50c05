package org.m2mbridge.core.metrics;

/**
 * Why a connection closed: the {@code reason} label of {@code m2mbridge_connections_closed_total} and the word in
 * the close log line. The one table from a WebSocket close code the bridge sent (RFC 6455 7.4.1) to a reason is
 * {@link #ofOwnClose}.
 */
public enum CloseReason implements LabelValue {
    /** The peer sent a close frame first. */
    PEER_CLOSE,
    /** No pong came back before the next ping (1011 "pong timeout"). */
    PONG_TIMEOUT,
    /** The bridge closed for a policy violation (1008: a reader too slow for ws.maxQueuedBytes, ...). */
    POLICY,
    /** A message over limits.maxMessageBytes (1009). */
    TOO_BIG,
    /** A frame the connection's subprotocol cannot carry, or a broken frame (1002, 1003, 1007). */
    PROTOCOL,
    /** The bridge is stopping (1001). */
    SHUTDOWN,
    /** Every entity moved to a newer connection of the same device (1000). */
    TAKEOVER,
    /** Nothing was received for ws.idleTimeout. */
    IDLE,
    /** A client socket the bridge no longer needs (its entity deregistered, ws.sockets per-entity). */
    UNUSED,
    /** The socket failed or was dropped without a close frame. */
    ERROR;

    /** The reason for a close the bridge itself started with {@code code}. */
    public static CloseReason ofOwnClose(int code) {
        return switch (code) {
            case 1000 -> TAKEOVER;
            case 1001 -> SHUTDOWN;
            case 1002, 1003, 1007 -> PROTOCOL;
            case 1008 -> POLICY;
            case 1009 -> TOO_BIG;
            case 1011 -> PONG_TIMEOUT;
            default -> ERROR;
        };
    }

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
