package org.m2mbridge.ws.client;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.BasicAuthentication;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.exceptions.WebSocketException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.JettyUpgradeListener;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.m2mbridge.core.bus.FailureTable;
import org.m2mbridge.core.config.TlsSettings;
import org.m2mbridge.ws.config.WsUpstreamSettings;

/**
 * The WebSocket client library (Jetty, docs/libraries.md WSC-1) set up for one upstream: TLS for {@code wss}
 * (trust, client certificate, protocols, ciphers, hostname check: TS-0020 8), the HTTP proxy with optional Basic
 * credentials (TS-0020 7.6, RFC 7617), {@code ws.connectTimeout} over TCP, tunnel, TLS and upgrade together,
 * {@code limits.maxMessageBytes} for inbound messages (inflated size), permessage-deflate offered (RFC 7692). I/O is
 * non-blocking on one selector thread; callbacks run on a small bounded pool.
 */
final class UpstreamClient {
    /** Callback threads for every socket of the upstream (the callbacks never block). */
    private static final int MAX_THREADS = 8;
    /** Frames queued per socket beyond the requests in flight (responses to the upstream's requests, pings). */
    private static final int QUEUE_SLACK = 256;

    /**
     * The offer as one comma-separated field line, as peers that read only the first line need (RFC 6455 11.3.4
     * allows both forms); the library would send a line per subprotocol (docs/libraries.md WSC-3).
     */
    private static final JettyUpgradeListener OFFER_IN_ONE_LINE = new JettyUpgradeListener() {
        @Override
        public void onHandshakeRequest(Request request) {
            request.headers(h -> {
                List<String> offer = h.getValuesList(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL);
                if (offer.size() > 1) {
                    h.put(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL, String.join(", ", offer));
                }
            });
        }
    };

    private final URI uri;
    private final WsUpstreamSettings settings;
    private final WebSocketClient client;

    UpstreamClient(String name, URI uri, WsUpstreamSettings settings, SSLContext ssl, long maxMessageBytes)
            throws IOException {
        this.uri = uri;
        this.settings = settings;
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 1);
        threads.setName("ws-upstream-" + name);
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setExecutor(threads);
        connector.setConnectTimeout(settings.connectTimeout());
        if (ssl != null) {
            connector.setSslContextFactory(tls(ssl, settings));
        }
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        transport.setConnectionPoolFactory(UpgradeConnectionPool::new); // WSC-8
        HttpClient http = new HttpClient(transport);
        http.setExecutor(threads);
        http.setName("ws-upstream-" + name);
        http.setConnectTimeout(settings.connectTimeout().toMillis());
        http.setUserAgentField(null);
        if (settings.proxy() != null) {
            URI p = settings.proxy().uri();
            http.getProxyConfiguration().addProxy(new TunnellingProxy(p.getHost(), p.getPort()));
            if (settings.proxy().username() != null) { // sent with the CONNECT at once, not after a 407
                http.getAuthenticationStore().addAuthenticationResult(new BasicAuthentication.BasicResult(
                        URI.create("http://" + p.getHost() + ":" + p.getPort()), HttpHeader.PROXY_AUTHORIZATION,
                        settings.proxy().username(), settings.proxy().password()));
            }
        }
        client = new WebSocketClient(http);
        client.setConnectTimeout(settings.connectTimeout().toMillis());
        client.setIdleTimeout(java.time.Duration.ZERO); // liveness is the pings' job (ws.pingInterval), WSC-6
        client.setMaxTextMessageSize(maxMessageBytes);
        client.setMaxBinaryMessageSize(maxMessageBytes);
        client.setMaxOutgoingFrames(settings.maxInflight() + settings.maxQueued() + QUEUE_SLACK);
        // the client's own pool for its components (8 to 200 threads by default): as small as ours (WSC-5)
        for (QueuedThreadPool pool : client.getContainedBeans(QueuedThreadPool.class)) {
            if (pool != threads) {
                pool.setMinThreads(1);
                pool.setMaxThreads(MAX_THREADS);
                pool.setReservedThreads(0);
                pool.setDaemon(true);
            }
        }
        client.setStopAtShutdown(false);
        client.setStopTimeout(2000);
        try {
            client.start();
        } catch (Exception e) {
            throw new IOException("cannot start the WebSocket client: " + e.getMessage(), e);
        }
    }

    private static SslContextFactory.Client tls(SSLContext ssl, WsUpstreamSettings settings) {
        SslContextFactory.Client f = new SslContextFactory.Client();
        f.setSslContext(ssl);
        TlsSettings t = settings.tls();
        if (t != null) {
            f.setIncludeProtocols(t.protocols().toArray(String[]::new));
            if (!t.ciphers().isEmpty()) {
                f.setExcludeCipherSuites(); // the configured list is the whole truth
                f.setIncludeCipherSuites(t.ciphers().toArray(String[]::new));
            }
        }
        // RFC 2818 3.1 against the url's host, unless switched off
        f.setEndpointIdentificationAlgorithm(settings.hostnameVerification() ? "HTTPS" : null);
        return f;
    }

    /**
     * Opens one socket: the upgrade offers the subprotocols in preference order (TS-0020 7.2.2.9) and
     * permessage-deflate, with {@code X-M2M-Origin: origin} unless null (ACME). Fails with
     * {@link WsFailures.ProxyRefusedException}, {@link WsFailures.HandshakeRefusedException} or the network's own
     * exception.
     */
    CompletableFuture<ClientConnection> open(ClientConnection connection, String origin) {
        ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
        request.setSubProtocols(settings.subprotocols());
        request.addExtensions("permessage-deflate");
        if (origin != null && !origin.isBlank()) {
            request.setHeader("X-M2M-Origin", origin);
        }
        request.setTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            return client.connect(connection, request, OFFER_IN_ONE_LINE).handle((session, e) -> {
                if (e != null) {
                    throw new java.util.concurrent.CompletionException(ourTerms(e));
                }
                return connection;
            });
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(ourTerms(e));
        }
    }

    /** Stops the library (sockets still open are closed with 1001 and dropped after a grace period). */
    void stop() {
        LifeCycle.stop(client);
    }

    /** The library's failure in the terms of {@link WsFailures}: proxy refused, upgrade refused, or the network's. */
    private Throwable ourTerms(Throwable failure) {
        Throwable root = FailureTable.unwrap(failure);
        for (Throwable t = root; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException h && HttpMethod.CONNECT.is(h.getResponse().getRequest().getMethod())) {
                return new WsFailures.ProxyRefusedException("proxy refused CONNECT " + uri.getAuthority() + ": "
                        + h.getResponse().getStatus() + " " + h.getResponse().getReason());
            }
        }
        for (Throwable t = root; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException) {
                return t;
            }
        }
        if (root instanceof WebSocketException || root instanceof org.eclipse.jetty.websocket.core.exception.WebSocketException) {
            return new WsFailures.HandshakeRefusedException(root.getMessage(), root);
        }
        return root;
    }
}
