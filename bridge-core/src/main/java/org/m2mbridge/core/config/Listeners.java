package org.m2mbridge.core.config;

/**
 * At least one of {@code ws} and {@code wss} is required. With TLS configured, leave {@code ws} out: plain ws
 * carries no identity and is only for the secure environment TS-0020 8 allows.
 *
 * @param ws    devices connect here over plain WebSocket (TS-0020)
 * @param http  upstream CSEs send notifications and requests for entities behind the bridge here (TS-0009)
 * @param admin {@code /metrics}, {@code /health/*}, status API
 * @param wss   devices connect here over WebSocket on TLS, normally with client certificates (TS-0020 8); needs
 *              {@code tls}
 */
public record Listeners(ListenerConfig ws, ListenerConfig http, ListenerConfig admin, ListenerConfig wss) {

    /** Without a TLS listener. */
    public Listeners(ListenerConfig ws, ListenerConfig http, ListenerConfig admin) {
        this(ws, http, admin, null);
    }

    void validate() {
        ConfigException.require(ws != null || wss != null, "listeners.ws", "is required (or listeners.wss)");
        if (ws != null) {
            ws.validatePlain("listeners.ws");
        }
        if (wss != null) {
            wss.validateTls("listeners.wss");
        }
        if (http != null) {
            http.validatePlain("listeners.http");
        }
        if (admin != null) {
            admin.validatePlain("listeners.admin");
        }
    }
}
