package org.m2mbridge.ws;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.m2mbridge.core.limits.ConnectionLimits;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.HandshakeRefusal;
import org.m2mbridge.core.metrics.Limit;

/**
 * Checks an opening handshake before Undertow's own (TS-0020 7.2.3; docs/spec/websocket.md WS-HS-1..6):
 * path, {@code Upgrade}, version 13 (else 426 with {@code Sec-WebSocket-Version: 13}, RFC 6455 4.4), a supported
 * subprotocol (else 400 and no upgrade: TS-0020 7.2.3.5 makes the header mandatory, and both ACME and Mobius refuse
 * with 400), and the connection limits (total and per source address, 503). Every refusal is counted by reason.
 * An accepted upgrade carries the connection's {@link OriginatorGrant} (from its client certificate) to the
 * session as an exchange attachment.
 */
final class HandshakeGate implements HttpHandler {
    /**
     * The upgrade request itself. Undertow keeps it referenced from the connection for the whole life of the
     * WebSocket (AbstractServerConnection.current), headers included: ~1 KiB per idle connection that
     * {@link WsBinding} releases once the session is set up (docs/benchmarks.md, idle connections).
     */
    static final io.undertow.util.AttachmentKey<HttpServerExchange> UPGRADE_EXCHANGE =
            io.undertow.util.AttachmentKey.create(HttpServerExchange.class);

    static final HttpString SEC_WEBSOCKET_PROTOCOL = new HttpString("Sec-WebSocket-Protocol");
    static final HttpString SEC_WEBSOCKET_VERSION = new HttpString("Sec-WebSocket-Version");
    static final HttpString SEC_WEBSOCKET_KEY = new HttpString("Sec-WebSocket-Key");

    private final String path;
    private final SubprotocolSelection selection;
    private final BridgeMetrics metrics;
    private final BooleanSupplier acceptingConnections;
    private final ConnectionLimits limits;
    private volatile IdentityMap identities; // replaced by a reload
    private final HttpHandler upgrade;

    HandshakeGate(String path, SubprotocolSelection selection, BridgeMetrics metrics,
                  BooleanSupplier acceptingConnections, ConnectionLimits limits, IdentityMap identities,
                  HttpHandler upgrade) {
        this.path = path;
        this.selection = selection;
        this.metrics = metrics;
        this.acceptingConnections = acceptingConnections;
        this.limits = limits;
        this.identities = identities;
        this.upgrade = upgrade;
    }

    /** Reload: the grants for the handshakes from now on (open connections keep theirs). */
    void identities(IdentityMap replacement) {
        this.identities = replacement;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!pathMatches(exchange.getRequestPath())) {
            refuse(exchange, 404, HandshakeRefusal.PATH, "no WebSocket endpoint at this path");
            return;
        }
        String upgradeHeader = exchange.getRequestHeaders().getFirst(Headers.UPGRADE);
        if (upgradeHeader == null || !upgradeHeader.toLowerCase(Locale.ROOT).contains("websocket")) {
            refuse(exchange, 400, HandshakeRefusal.NOT_UPGRADE, "expected a WebSocket upgrade (Upgrade: websocket)");
            return;
        }
        String version = exchange.getRequestHeaders().getFirst(SEC_WEBSOCKET_VERSION);
        if (version == null || !version.trim().equals("13")) {
            exchange.getResponseHeaders().put(SEC_WEBSOCKET_VERSION, "13");
            refuse(exchange, 426, HandshakeRefusal.VERSION, "unsupported Sec-WebSocket-Version; this server speaks 13");
            return;
        }
        if (exchange.getRequestHeaders().getFirst(SEC_WEBSOCKET_KEY) == null) {
            refuse(exchange, 400, HandshakeRefusal.MALFORMED, "missing Sec-WebSocket-Key");
            return;
        }
        HeaderValues offered = exchange.getRequestHeaders().get(SEC_WEBSOCKET_PROTOCOL);
        if (offered == null || offered.isEmpty()) {
            refuse(exchange, 400, HandshakeRefusal.NO_SUBPROTOCOL,
                    "Sec-WebSocket-Protocol is required: offer one of " + selection.names());
            return;
        }
        Optional<SubprotocolSelection.Choice> choice = selection.choose(List.copyOf(offered));
        if (choice.isEmpty()) {
            refuse(exchange, 400, HandshakeRefusal.UNSUPPORTED_SUBPROTOCOL,
                    "none of the offered subprotocols is supported: offer one of " + selection.names());
            return;
        }
        if (!acceptingConnections.getAsBoolean()) {
            refuse(exchange, 503, HandshakeRefusal.SHUTTING_DOWN, "the bridge is shutting down");
            return;
        }
        InetAddress source = sourceAddress(exchange);
        Optional<ConnectionLimits.Refusal> limit = limits.tryOpen(source);
        if (limit.isPresent()) {
            boolean total = limit.get() == ConnectionLimits.Refusal.CONNECTIONS;
            metrics.limitRefused(total ? Limit.WS_CONNECTIONS : Limit.WS_CONNECTIONS_PER_ADDRESS);
            refuse(exchange, 503, HandshakeRefusal.CONNECTION_LIMIT, total
                    ? "too many WebSocket connections (limits.maxConnections)"
                    : "too many WebSocket connections from your address (limits.maxConnectionsPerAddress)");
            return;
        }
        // The slot is the connection's from here on: WsBinding releases it when the channel closes; an upgrade
        // that does not complete (no 101) gives it back at once.
        exchange.addExchangeCompleteListener((ex, next) -> {
            if (ex.getStatusCode() != 101) {
                limits.closed(source);
            }
            next.proceed();
        });
        exchange.putAttachment(IdentityMap.GRANT, identities.grantFor(exchange));
        exchange.putAttachment(UPGRADE_EXCHANGE, exchange); // for WsBinding.onConnect to slim it down afterwards
        // Undertow reads only the first header instance: leave exactly the chosen name, as the client spelled it.
        exchange.getRequestHeaders().put(SEC_WEBSOCKET_PROTOCOL, choice.get().offered());
        upgrade.handleRequest(exchange);
    }

    static InetAddress sourceAddress(HttpServerExchange exchange) {
        InetSocketAddress source = exchange.getSourceAddress();
        return source == null ? null : source.getAddress();
    }

    /**
     * Undertow's fallback when its own handshake does not match (e.g. no {@code Connection: Upgrade}). Needs only the
     * metrics, so the upgrade handler can be built before the gate that wraps it.
     */
    static HttpHandler malformed(BridgeMetrics metrics) {
        return exchange -> refuse(metrics, exchange, 400, HandshakeRefusal.MALFORMED, "malformed WebSocket handshake");
    }

    private boolean pathMatches(String requestPath) {
        if (path.equals("/*")) {
            return true;
        }
        if (path.endsWith("/*")) {
            return requestPath.startsWith(path.substring(0, path.length() - 1))
                    || requestPath.equals(path.substring(0, path.length() - 2));
        }
        return requestPath.equals(path);
    }

    private void refuse(HttpServerExchange exchange, int status, HandshakeRefusal reason, String text) {
        refuse(metrics, exchange, status, reason, text);
    }

    private static void refuse(BridgeMetrics metrics, HttpServerExchange exchange, int status, HandshakeRefusal reason,
                               String text) {
        metrics.handshakeRefused(reason);
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(text + "\n");
    }
}
