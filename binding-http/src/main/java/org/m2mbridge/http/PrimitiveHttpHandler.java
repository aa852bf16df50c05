package org.m2mbridge.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Undertow handler that turns each HTTP request into a request primitive (TS-0009 6.2-6.4), hands it to a
 * {@link Route} and writes the route's answer back (TS-0009 6.3). Shared by both HTTP listeners: the one where
 * upstream CSEs reach entities behind the bridge ({@link CseRequestRoute}) and the one devices use as their
 * registrar ({@link DeviceRequestRoute}). Nothing blocks an I/O thread: the body is read asynchronously, within
 * {@code limits.maxMessageBytes} (413 beyond), and the exchange ends in the route's callback. A request that does
 * not map (no {@code X-M2M-RI}, no {@code X-M2M-Origin} outside an AE registration, a bad body...) is answered
 * 4000/4005/4015 with its {@code rqi} and goes nowhere.
 */
final class PrimitiveHttpHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PrimitiveHttpHandler.class);

    /** Where a well-formed request goes. Completes with exactly one answer, never exceptionally. */
    interface Route {
        /**
         * @param request the mapped request
         * @param message the HTTP request it came from (path, headers)
         * @param peer    the client's address, for logs
         */
        CompletableFuture<ResponsePrimitive> route(RequestPrimitive request, HttpRequestMessage message, String peer);

        /** {@code answer} was given to a request from {@code peer} that did not map: count and log it. */
        void notMapped(ResponsePrimitive answer, String peer);
    }

    private final Codecs codecs;
    private final BridgeMetrics metrics;
    private final RequestBodyReader bodies;
    private final Route route;

    PrimitiveHttpHandler(Codecs codecs, BridgeMetrics metrics, RequestBodyReader bodies, Route route) {
        this.codecs = codecs;
        this.metrics = metrics;
        this.bodies = bodies;
        this.route = route;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        bodies.read(exchange, this::received);
    }

    private void received(HttpServerExchange exchange, RequestBodyReader.Body body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HeaderValues h : exchange.getRequestHeaders()) {
            headers.put(h.getHeaderName().toString(), h.getFirst());
        }
        String query = exchange.getQueryString();
        String target = originForm(exchange) + (query == null || query.isEmpty() ? "" : "?" + query);
        HttpRequestMessage message = new HttpRequestMessage(exchange.getRequestMethod().toString(), target, headers,
                body.bytes());
        HttpRequestMapping.Inbound inbound = HttpRequestMapping.fromHttp(message, codecs);
        body.release(); // decoded: what stays is the primitive, which the budget does not count (as on WebSocket)
        if (inbound instanceof HttpRequestMapping.Inbound.Rejected rejected) {
            metrics.rejected(RejectReason.BAD_REQUEST);
            route.notMapped(rejected.error(), address(exchange.getSourceAddress()));
            // the error body in the request's own serialization unless Accept names another (TS-0009 6.4.2)
            Serialization sent = Serialization.fromMediaType(message.header(M2mHeaders.CONTENT_TYPE))
                    .orElse(Serialization.JSON);
            respond(exchange, rejected.error(), HttpResponseMapping.answerSerialization(message, sent));
            return;
        }
        HttpRequestMapping.Inbound.Accepted accepted = (HttpRequestMapping.Inbound.Accepted) inbound;
        Serialization answer = HttpResponseMapping.answerSerialization(message, accepted.bodySerialization());
        RequestPrimitive request = accepted.request();
        CompletableFuture<ResponsePrimitive> routed;
        try {
            routed = route.route(request, message, address(exchange.getSourceAddress()));
        } catch (RuntimeException e) {
            LOG.error("routing request {} failed", request.rqi(), e);
            routed = CompletableFuture.failedFuture(e);
        }
        routed.whenComplete((response, error) -> {
            ResponsePrimitive r = response != null ? response : ResponsePrimitive.error(request,
                    ResponseStatusCode.INTERNAL_SERVER_ERROR, "bridge failed to route the request");
            respond(exchange, r, answer);
        });
    }

    /** {@code 10.0.0.7:53211}, as the status API writes addresses (not InetSocketAddress' {@code /10.0.0.7:53211}). */
    private static String address(java.net.InetSocketAddress a) {
        return a == null ? "-" : a.getAddress() == null ? a.getHostString() + ":" + a.getPort()
                : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private void respond(HttpServerExchange exchange, ResponsePrimitive response, Serialization serialization) {
        HttpResponseMessage http = HttpResponseMapping.toHttp(response, codecs.get(serialization));
        Runnable write = () -> {
            exchange.setStatusCode(http.status());
            http.headers().forEach((name, value) -> exchange.getResponseHeaders().put(HttpString.tryFromString(name), value));
            exchange.getResponseSender().send(ByteBuffer.wrap(http.body()));
        };
        // The route may complete on any thread; Undertow wants the exchange written from its own I/O thread.
        if (Thread.currentThread() == exchange.getIoThread()) {
            write.run();
        } else {
            exchange.getIoThread().execute(write);
        }
    }

    /**
     * The request path as origin-form: a server must accept absolute-form too (RFC 9112 3.2.2), where Undertow
     * keeps scheme and authority in the request URI.
     */
    private static String originForm(HttpServerExchange exchange) {
        String uri = exchange.getRequestURI();
        if (!exchange.isHostIncludedInRequestURI()) {
            return uri;
        }
        int authority = uri.indexOf("://");
        int path = authority < 0 ? -1 : uri.indexOf('/', authority + 3);
        return path < 0 ? "/" : uri.substring(path);
    }
}
