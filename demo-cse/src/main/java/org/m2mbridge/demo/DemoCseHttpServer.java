package org.m2mbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.ContentResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP front end of the {@link DemoCse} (TEST/DEMO peer, not a product feature): the server side of the TS-0009
 * mapping (TS-0009 6; docs/spec/http.md), kept minimal and self-contained on purpose so the demo peer never depends on
 * the
 * bridge's own HTTP binding. Method gives {@code op} (POST with {@code ty} in Content-Type = CREATE, without =
 * NOTIFY), the path gives {@code to} ({@code /~/} SP-relative, {@code /_/} absolute), X-M2M-* headers give
 * {@code fr}/{@code rqi}/{@code rvi}/..., the body is {@code pc}; the answer carries X-M2M-RSC/RI/RVI and the HTTP
 * status of {@link ResponseStatusCode#httpStatusOf}. Also registers the HTTP {@link NotificationTransport} on the
 * CSE. Undertow on {@code host:port} (port 0 = ephemeral).
 */
public final class DemoCseHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCseHttpServer.class);
    private static final HttpString ORIGIN = HttpString.tryFromString("X-M2M-Origin");
    private static final HttpString RI = HttpString.tryFromString("X-M2M-RI");
    private static final HttpString RVI = HttpString.tryFromString("X-M2M-RVI");
    private static final HttpString RSC = HttpString.tryFromString("X-M2M-RSC");
    private static final HttpString OT = HttpString.tryFromString("X-M2M-OT");
    private static final HttpString RET = HttpString.tryFromString("X-M2M-RET");
    private static final HttpString CONTENT_TYPE = HttpString.tryFromString("Content-Type");
    private static final HttpString ACCEPT = HttpString.tryFromString("Accept");

    private final DemoCse cse;
    private final Codecs codecs;
    private volatile Undertow server;
    private volatile int port;

    private DemoCseHttpServer(DemoCse cse, Codecs codecs) {
        this.cse = cse;
        this.codecs = codecs;
    }

    /** Starts listening and adds {@code http://host:port} to the CSEBase {@code poa}. */
    public static DemoCseHttpServer start(DemoCse cse, Codecs codecs, String host, int port) {
        DemoCseHttpServer self = new DemoCseHttpServer(cse, codecs);
        cse.registerTransport("http", new HttpNotificationTransport(codecs.get(Serialization.JSON),
                cse.settings().notificationTimeout()));
        Undertow undertow = Undertow.builder().addHttpListener(port, host)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) codecs.limits().maxBytes())
                .setHandler(self::handle).build();
        undertow.start();
        self.server = undertow;
        self.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        cse.addPointOfAccess("http://" + hostPart + ":" + self.port);
        LOG.info("demo-cse: HTTP on {}:{}", host, self.port);
        return self;
    }

    public int port() {
        return port;
    }

    private void handle(HttpServerExchange exchange) {
        exchange.getRequestReceiver().receiveFullBytes((ex, body) -> ex.dispatch(SameThreadExecutor.INSTANCE,
                () -> process(ex, body)), (ex, e) -> {
                    LOG.debug("demo-cse: reading body failed", e);
                    ex.setStatusCode(400);
                    ex.endExchange();
                });
    }

    private void process(HttpServerExchange ex, byte[] body) {
        Serialization accepted = responseSerialization(ex);
        String rqi = header(ex, RI);
        String rvi = header(ex, RVI);
        String contentType = header(ex, CONTENT_TYPE);
        Optional<Operation> op = operation(ex.getRequestMethod().toString(), contentType);
        if (op.isEmpty()) {
            reply(ex, accepted, ResponsePrimitive.error(rqi, rvi, null, ResponseStatusCode.OPERATION_NOT_ALLOWED,
                    "method not mapped to a oneM2M operation: " + ex.getRequestMethod()));
            return;
        }
        if (rqi == null) {
            reply(ex, accepted, ResponsePrimitive.error(null, rvi, null, ResponseStatusCode.BAD_REQUEST,
                    "X-M2M-RI is mandatory"));
            return;
        }
        RequestPrimitive.Builder b = RequestPrimitive.builder().op(op.get()).to(target(ex.getRequestPath()))
                .fr(header(ex, ORIGIN)).rqi(rqi).rvi(rvi).ot(header(ex, OT)).rqet(header(ex, RET))
                .ty(op.get() == Operation.CREATE ? typeParameter(contentType) : null);
        try {
            query(ex.getQueryParameters(), b);
        } catch (NumberFormatException e) {
            reply(ex, accepted, ResponsePrimitive.error(rqi, rvi, null, ResponseStatusCode.BAD_REQUEST,
                    "bad number in query: " + e.getMessage()));
            return;
        }
        if (body.length > 0) {
            Optional<Serialization> s = Serialization.fromMediaType(contentType == null ? "application/json" : contentType);
            if (s.isEmpty()) {
                reply(ex, accepted, ResponsePrimitive.error(rqi, rvi, null, ResponseStatusCode.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported Content-Type: " + contentType));
                return;
            }
            ContentResult content = codecs.get(s.get()).decodeContent(body);
            if (content instanceof ContentResult.Failed f) {
                reply(ex, accepted, ResponsePrimitive.error(rqi, rvi, null, ResponseStatusCode.BAD_REQUEST, f.reason()));
                return;
            }
            b.pc(((ContentResult.Decoded) content).content());
        }
        cse.handle(b.build()).whenComplete((rsp, err) -> reply(ex, accepted, err == null ? rsp
                : ResponsePrimitive.error(rqi, rvi, null, ResponseStatusCode.INTERNAL_SERVER_ERROR, err.toString())));
    }

    private void reply(HttpServerExchange ex, Serialization serialization, ResponsePrimitive rsp) {
        ex.setStatusCode(ResponseStatusCode.httpStatusOf(rsp.rsc()));
        ex.getResponseHeaders().put(RSC, Integer.toString(rsp.rsc()));
        if (rsp.rqi() != null) {
            ex.getResponseHeaders().put(RI, rsp.rqi());
        }
        if (rsp.rvi() != null) {
            ex.getResponseHeaders().put(RVI, rsp.rvi());
        }
        if (rsp.ot() != null) {
            ex.getResponseHeaders().put(OT, rsp.ot());
        }
        if (rsp.pc() == null) {
            ex.endExchange();
            return;
        }
        PrimitiveCodec codec = codecs.get(serialization);
        ex.getResponseHeaders().put(CONTENT_TYPE, serialization.genericMediaType());
        ex.getResponseSender().send(ByteBuffer.wrap(codec.encodeContent(rsp.pc())));
    }

    /**
     * The demo's subset of TS-0009 6.2.2.2: {@code rcn}, {@code drt} and the filter-criteria members, typed by the
     * core's {@link FilterCriteria.Member} table; list values may be repeated or joined with {@code +}.
     */
    private static void query(Map<String, Deque<String>> params, RequestPrimitive.Builder b) {
        first(params, "rcn").map(Integer::valueOf).ifPresent(b::rcn);
        first(params, "drt").map(Integer::valueOf).ifPresent(b::drt);
        Map<String, JsonNode> fc = new LinkedHashMap<>();
        for (Map.Entry<String, Deque<String>> e : params.entrySet()) {
            Optional<FilterCriteria.Member> member = FilterCriteria.Member.of(e.getKey());
            if (member.isEmpty()) {
                continue;
            }
            FilterCriteria.Kind kind = member.get().kind();
            if (kind == FilterCriteria.Kind.INTEGER_LIST || kind == FilterCriteria.Kind.STRING_LIST) {
                ArrayNode list = JsonNodeFactory.instance.arrayNode();
                for (String v : e.getValue()) {
                    for (String item : v.split("[+ ]")) {
                        if (!item.isEmpty()) {
                            list.add(kind == FilterCriteria.Kind.INTEGER_LIST
                                    ? JsonNodeFactory.instance.numberNode(Integer.parseInt(item))
                                    : JsonNodeFactory.instance.textNode(item));
                        }
                    }
                }
                fc.put(e.getKey(), list);
            } else if (kind == FilterCriteria.Kind.INTEGER) {
                fc.put(e.getKey(), JsonNodeFactory.instance.numberNode(Integer.parseInt(e.getValue().getFirst())));
            } else {
                fc.put(e.getKey(), JsonNodeFactory.instance.textNode(e.getValue().getFirst()));
            }
        }
        if (!fc.isEmpty()) {
            b.fc(new FilterCriteria(fc));
        }
    }

    private static Optional<String> first(Map<String, Deque<String>> params, String name) {
        Deque<String> values = params.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** TS-0009 6.2.2.1 reversed: {@code /~/X} is SP-relative {@code /X}, {@code /_/X} absolute {@code //X}. */
    static String target(String path) {
        if (path.startsWith("/~/")) {
            return path.substring(2);
        }
        if (path.startsWith("/_/")) {
            return "/" + path.substring(2);
        }
        return path.startsWith("/") ? path.substring(1) : path;
    }

    /** TS-0009 6.2.1: POST with {@code ty} is CREATE, POST without is NOTIFY. */
    static Optional<Operation> operation(String method, String contentType) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "POST" -> Optional.of(typeParameter(contentType) != null ? Operation.CREATE : Operation.NOTIFY);
            case "GET" -> Optional.of(Operation.RETRIEVE);
            case "PUT" -> Optional.of(Operation.UPDATE);
            case "DELETE" -> Optional.of(Operation.DELETE);
            default -> Optional.empty();
        };
    }

    /** {@code ty} parameter of a Content-Type ({@code application/json;ty=2}, whitespace tolerated). */
    static Integer typeParameter(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("ty")) {
                try {
                    return Integer.parseInt(kv[1].trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** First serialization named in Accept, else the request's Content-Type, else JSON (as ACME defaults). */
    private static Serialization responseSerialization(HttpServerExchange ex) {
        HeaderValues accept = ex.getRequestHeaders().get(ACCEPT);
        if (accept != null) {
            for (String value : accept) {
                for (String type : value.split(",")) {
                    Optional<Serialization> s = Serialization.fromMediaType(type);
                    if (s.isPresent()) {
                        return s.get();
                    }
                }
            }
        }
        return Serialization.fromMediaType(header(ex, CONTENT_TYPE)).orElse(Serialization.JSON);
    }

    private static String header(HttpServerExchange ex, HttpString name) {
        return ex.getRequestHeaders().getFirst(name);
    }

    @Override
    public void close() {
        server.stop();
    }
}
