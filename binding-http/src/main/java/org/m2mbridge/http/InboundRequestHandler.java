package org.m2mbridge.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.m2mbridge.core.bus.EntityRegistry;
import org.m2mbridge.core.bus.Origin;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests from upstream CSEs to entities registered through the bridge (TS-0009 as the HTTP server side):
 * {@code POST <notificationPath>/<token>[/...]} is addressed to the entity that token stands for (the poa the
 * bus announced for it); any other path is a oneM2M target read by the reverse path rule (TS-0009 6.2.2.1).
 * The request goes on the bus as coming from UPSTREAM; the answer is written when the bus completes. Nothing
 * blocks an I/O thread: the body is read asynchronously and the exchange ends in the bus's callback.
 */
final class InboundRequestHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(InboundRequestHandler.class);

    private final PrimitiveBus bus;
    private final Codecs codecs;
    private final BridgeMetrics metrics;
    private final String notificationPrefix;
    private final int maxBytes;

    InboundRequestHandler(PrimitiveBus bus, Codecs codecs, BridgeMetrics metrics, String notificationPath,
                          int maxBytes) {
        this.bus = bus;
        this.codecs = codecs;
        this.metrics = metrics;
        this.notificationPrefix = notificationPath + "/";
        this.maxBytes = maxBytes;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.getRequestContentLength() > maxBytes) {
            tooLarge(exchange);
            return;
        }
        exchange.setMaxEntitySize(maxBytes);
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> exchange.getRequestReceiver().receiveFullBytes(
                // Dispatched again so the exchange stays open after this callback; it ends when the answer is sent.
                (ex, body) -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> received(ex, body)),
                (ex, error) -> {
                    if (error instanceof RequestTooBigException) {
                        tooLarge(ex);
                    } else {
                        LOG.debug("reading request body from {} failed", ex.getSourceAddress(), error);
                        ex.endExchange();
                    }
                }));
    }

    private void received(HttpServerExchange exchange, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HeaderValues h : exchange.getRequestHeaders()) {
            headers.put(h.getHeaderName().toString(), h.getFirst());
        }
        String query = exchange.getQueryString();
        String target = exchange.getRequestURI() + (query == null || query.isEmpty() ? "" : "?" + query);
        HttpRequestMessage message = new HttpRequestMessage(exchange.getRequestMethod().toString(), target, headers,
                body);
        HttpRequestMapping.Inbound inbound = HttpRequestMapping.fromHttp(message, codecs);
        if (inbound instanceof HttpRequestMapping.Inbound.Rejected rejected) {
            metrics.rejectedRequests.labelValues("bad_request").inc();
            respond(exchange, rejected.error(), HttpResponseMapping.answerSerialization(message, Serialization.JSON));
            return;
        }
        HttpRequestMapping.Inbound.Accepted accepted = (HttpRequestMapping.Inbound.Accepted) inbound;
        Serialization answer = HttpResponseMapping.answerSerialization(message, accepted.bodySerialization());
        RequestPrimitive request = accepted.request();
        String path = TargetPath.decode(message.path());
        if (path.startsWith(notificationPrefix)) {
            String token = path.substring(notificationPrefix.length()).split("/", 2)[0];
            Optional<Registration> entity = bus.registry().byToken(token);
            if (entity.isEmpty()) {
                metrics.rejectedRequests.labelValues("unknown_target").inc();
                respond(exchange, ResponsePrimitive.error(request, ResponseStatusCode.NOT_FOUND,
                        "no entity is registered through this bridge under that notification URL"), answer);
                return;
            }
            request = request.toBuilder().to(entity.get().entityId()).build();
        } else {
            request = verificationTarget(request);
        }
        metrics.primitives.labelValues("http", BridgeMetrics.IN, "request",
                request.op().name().toLowerCase(java.util.Locale.ROOT), "").inc();
        String op = request.op().name().toLowerCase(java.util.Locale.ROOT);
        bus.send(request, Origin.upstream("http", String.valueOf(exchange.getSourceAddress())))
                .whenComplete((response, error) -> {
                    ResponsePrimitive r = response != null ? response : ResponsePrimitive.error(accepted.request(),
                            ResponseStatusCode.INTERNAL_SERVER_ERROR, "bridge failed to route the request");
                    metrics.primitives.labelValues("http", BridgeMetrics.OUT, "response", op,
                            ResponseStatusCode.classOf(r.rsc())).inc();
                    respond(exchange, r, answer);
                });
    }

    /**
     * tinyIoT sends the subscription verification request (vrq) to the subscribed resource's path instead of the
     * notification URL; the subscription's creator ({@code m2m:sgn.cr}) is the entity it is meant for.
     */
    private RequestPrimitive verificationTarget(RequestPrimitive request) {
        if (request.op() != Operation.NOTIFY || request.pc() == null || bus.findEntity(request.to()).isPresent()) {
            return request;
        }
        JsonNode sgn = request.pc().path("m2m:sgn");
        if (sgn.path("vrq").asBoolean(false) && sgn.hasNonNull("cr")) {
            String creator = sgn.get("cr").asText();
            if (bus.findEntity(creator).isPresent()) {
                return request.toBuilder().to(creator).build();
            }
        }
        return request;
    }

    private void respond(HttpServerExchange exchange, ResponsePrimitive response, Serialization serialization) {
        HttpResponseMessage http = HttpResponseMapping.toHttp(response, codecs.get(serialization));
        Runnable write = () -> {
            exchange.setStatusCode(http.status());
            http.headers().forEach((name, value) -> exchange.getResponseHeaders().put(HttpString.tryFromString(name), value));
            exchange.getResponseSender().send(ByteBuffer.wrap(http.body()));
        };
        // The bus may complete on any thread; Undertow wants the exchange written from its own I/O thread.
        if (Thread.currentThread() == exchange.getIoThread()) {
            write.run();
        } else {
            exchange.getIoThread().execute(write);
        }
    }

    private static void tooLarge(HttpServerExchange exchange) {
        if (exchange.isResponseStarted()) {
            exchange.endExchange();
            return;
        }
        exchange.setPersistent(false); // the unread rest of the body makes the connection unusable
        exchange.setStatusCode(413);
        exchange.getResponseHeaders().put(HttpString.tryFromString(M2mHeaders.RSC),
                String.valueOf(ResponseStatusCode.BAD_REQUEST.code()));
        String rqi = exchange.getRequestHeaders().getFirst(M2mHeaders.RI);
        if (rqi != null) {
            exchange.getResponseHeaders().put(HttpString.tryFromString(M2mHeaders.RI), rqi);
        }
        exchange.endExchange();
    }

}
