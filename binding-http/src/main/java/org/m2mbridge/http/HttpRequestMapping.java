package org.m2mbridge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.ContentResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.PrimitiveParameter;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Request primitive to HTTP request and back (TS-0009 6.2-6.4): method per operation, path from {@code to}
 * ({@link TargetPath}), query parameters ({@link RequestQuery}), {@code X-M2M-*} headers, Content-Type with
 * {@code ty} for CREATE, body = the content ({@code pc}) only.
 */
final class HttpRequestMapping {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String ATRL = "m2m:atrl";

    private HttpRequestMapping() {
    }

    /** Which media-type family to send: generic as ACME-oneM2M-CSE does, or the oneM2M vnd types as Mobius does. */
    enum MediaTypes { GENERIC, VND }

    /** TS-0009 6.2.1: CREATE and NOTIFY are both POST, told apart by {@code ty} in the Content-Type. */
    static String methodOf(Operation op) {
        return switch (op) {
            case CREATE, NOTIFY -> "POST";
            case RETRIEVE -> "GET";
            case UPDATE -> "PUT";
            case DELETE -> "DELETE";
        };
    }

    // ---- primitive -> HTTP (outbound) --------------------------------------------------------------------

    static HttpRequestMessage toHttp(RequestPrimitive r, PrimitiveCodec codec, MediaTypes mediaTypes) {
        String to = r.to() == null ? "" : r.to();
        List<String> atrl = new ArrayList<>();
        int hash = to.indexOf('#');
        if (hash >= 0) { // partial retrieve of one attribute: to#attr -> atrl=attr (TS-0009 6.2.2.2)
            atrl.add(to.substring(hash + 1));
            to = to.substring(0, hash);
        }
        JsonNode pc = r.pc();
        if (r.op() == Operation.RETRIEVE && pc != null && pc.has(ATRL)) {
            pc.get(ATRL).forEach(a -> atrl.add(a.asText()));
            pc = null;
        }
        String query = RequestQuery.encode(r, atrl);
        String target = TargetPath.pathOf(to) + (query.isEmpty() ? "" : "?" + query);

        Map<String, String> h = new LinkedHashMap<>();
        for (PrimitiveParameter p : HeaderParameters.REQUEST) {
            HeaderParameters.put(h, p, p.get(r));
        }
        Serialization s = codec.serialization();
        h.put(M2mHeaders.ACCEPT, s.genericMediaType());
        byte[] body = null;
        boolean carriesContent = r.op() == Operation.CREATE || r.op() == Operation.UPDATE || r.op() == Operation.NOTIFY;
        if (carriesContent && pc != null) {
            body = codec.encodeContent(pc);
        }
        if (r.op() == Operation.CREATE) {
            // ACME sends "application/json;ty=2", Mobius "application/vnd.onem2m-res+json; ty=2"; both are read.
            String mt = mediaTypes == MediaTypes.VND ? s.resourceMediaType() + "; ty=" : s.genericMediaType() + ";ty=";
            h.put(M2mHeaders.CONTENT_TYPE, mt + (r.ty() == null ? "" : r.ty()));
        } else if (body != null) {
            h.put(M2mHeaders.CONTENT_TYPE, mediaTypes == MediaTypes.GENERIC ? s.genericMediaType()
                    : r.op() == Operation.NOTIFY ? s.notificationMediaType() : s.resourceMediaType());
        }
        return new HttpRequestMessage(methodOf(r.op()), target, h, body);
    }




    // ---- HTTP -> primitive (inbound) ---------------------------------------------------------------------

    /** Outcome of reading an inbound HTTP request: a request primitive, or the error to answer with. */
    sealed interface Inbound {
        record Accepted(RequestPrimitive request, Serialization bodySerialization) implements Inbound {
        }

        record Rejected(ResponsePrimitive error) implements Inbound {
        }
    }

    /** A request the bridge refuses to deliver: answered with {@code code} and the reason as debug text. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient ResponseStatusCode code;
        /** False when the originator is what is missing: the answer then goes to nobody in particular. */
        private final boolean echoOriginator;

        Refused(ResponseStatusCode code, String reason, boolean echoOriginator) {
            super(reason, null, false, false);
            this.code = code;
            this.echoOriginator = echoOriginator;
        }

        Refused(ResponseStatusCode code, String reason) {
            this(code, reason, true);
        }
    }

    /**
     * The request primitive for an inbound HTTP request (TS-0009 6.2-6.4), in steps: operation from the method
     * and Content-Type, the mandatory headers, the header and query parameters, the target, the content.
     */
    static Inbound fromHttp(HttpRequestMessage m, Codecs codecs) {
        String rqi = m.header(M2mHeaders.RI);
        String rvi = m.header(M2mHeaders.RVI);
        String fr = m.header(M2mHeaders.ORIGIN);
        if (rqi == null || rqi.isBlank()) { // TS-0009 6.4: X-M2M-RI is mandatory in every request
            return reject(null, rvi, fr, ResponseStatusCode.BAD_REQUEST, M2mHeaders.RI + " header is missing");
        }
        try {
            String contentType = m.header(M2mHeaders.CONTENT_TYPE);
            Optional<Integer> ty = createdType(contentType);
            Operation op = operationOf(m.method(), ty);
            requireOriginator(fr, op, ty);
            Serialization serialization = bodySerialization(contentType);
            RequestPrimitive.Builder b = RequestPrimitive.builder().op(op).rqi(rqi).rvi(rvi).fr(fr)
                    .ty(op == Operation.CREATE ? ty.get() : null);
            headerParameters(m, b);
            List<String> atrl = queryParameters(m, b);
            b.to(target(m, atrl, b));
            content(m, codecs.get(serialization), b);
            return new Inbound.Accepted(b.build(), serialization);
        } catch (Refused e) {
            return reject(rqi, rvi, e.echoOriginator ? fr : null, e.code, e.getMessage());
        }
    }

    private static Optional<Integer> createdType(String contentType) throws Refused {
        try {
            return tyOf(contentType);
        } catch (NumberFormatException e) {
            throw new Refused(ResponseStatusCode.BAD_REQUEST, "ty in Content-Type is not a number");
        }
    }

    /** TS-0009 6.2.1 (docs/spec/http.md HTTP-OP-1): POST is CREATE with a {@code ty}, NOTIFY without. */
    private static Operation operationOf(String method, Optional<Integer> ty) throws Refused {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET" -> Operation.RETRIEVE;
            case "PUT" -> Operation.UPDATE;
            case "DELETE" -> Operation.DELETE;
            case "POST" -> ty.isPresent() ? Operation.CREATE : Operation.NOTIFY;
            default -> throw new Refused(ResponseStatusCode.OPERATION_NOT_ALLOWED,
                    "HTTP method " + method + " has no oneM2M operation");
        };
    }

    /**
     * TS-0009 6.4, TS-0004 7.2.1.1 (docs/spec/http.md HTTP-H-2): From is mandatory in every request but an AE's
     * registration; a request without it reaches nobody (a NOTIFY with no fr would tell the device nothing of
     * its sender).
     */
    private static void requireOriginator(String fr, Operation op, Optional<Integer> ty) throws Refused {
        if ((fr == null || fr.isBlank()) && !(op == Operation.CREATE && ty.get() == ResourceType.AE.code())) {
            throw new Refused(ResponseStatusCode.BAD_REQUEST, M2mHeaders.ORIGIN + " header is missing", false);
        }
    }

    /** The body's serialization by Content-Type; JSON when none is named. */
    private static Serialization bodySerialization(String contentType) throws Refused {
        if (contentType == null || contentType.isBlank()) {
            return Serialization.JSON;
        }
        return Serialization.fromMediaType(contentType).orElseThrow(() -> new Refused(
                ResponseStatusCode.UNSUPPORTED_MEDIA_TYPE, "unsupported Content-Type '" + contentType + "'"));
    }

    /** The {@code X-M2M-*} parameters but those read first (rqi, rvi, fr) and {@code rt} (with the query). */
    private static void headerParameters(HttpRequestMessage m, RequestPrimitive.Builder b) throws Refused {
        for (PrimitiveParameter p : HeaderParameters.REQUEST) {
            if (p == PrimitiveParameter.RQI || p == PrimitiveParameter.RVI || p == PrimitiveParameter.FR
                    || p == PrimitiveParameter.RT) {
                continue;
            }
            try {
                Object value = HeaderParameters.parseRequest(p, m.header(HeaderParameters.name(p)));
                if (value != null) {
                    p.set(b, value);
                }
            } catch (HeaderParameters.InvalidHeader e) {
                throw new Refused(ResponseStatusCode.BAD_REQUEST, e.getMessage());
            }
        }
    }

    /** The query parameters, with {@code rt.nu} from its header; returns the {@code atrl} names. */
    private static List<String> queryParameters(HttpRequestMessage m, RequestPrimitive.Builder b) throws Refused {
        List<String> nu = HeaderParameters.notificationTargets(m.header(HeaderParameters.name(PrimitiveParameter.RT)));
        try {
            return RequestQuery.decode(m.rawQuery(), b, nu);
        } catch (RequestQuery.InvalidQuery e) {
            throw new Refused(ResponseStatusCode.BAD_REQUEST, e.getMessage());
        }
    }

    /** {@code to} from the path; one {@code atrl} name is {@code to#attr}, several are {@code pc = m2m:atrl}. */
    private static String target(HttpRequestMessage m, List<String> atrl, RequestPrimitive.Builder b) {
        String to = TargetPath.toOf(TargetPath.decode(m.path()));
        if (atrl.size() == 1) {
            return to + "#" + atrl.get(0);
        }
        if (atrl.size() > 1) {
            ArrayNode names = JSON.arrayNode();
            atrl.forEach(names::add);
            b.pc(JSON.objectNode().set(ATRL, names));
        }
        return to;
    }

    private static void content(HttpRequestMessage m, PrimitiveCodec codec, RequestPrimitive.Builder b)
            throws Refused {
        if (m.body().length > 0) {
            ContentResult content = codec.decodeContent(m.body());
            if (content instanceof ContentResult.Failed f) {
                throw new Refused(ResponseStatusCode.BAD_REQUEST, f.reason());
            }
            b.pc(((ContentResult.Decoded) content).content());
        }
    }

    /** {@code ty} parameter of a Content-Type ({@code application/json; ty=2}), parsed leniently (TS-0009 6.4.3). */
    static Optional<Integer> tyOf(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.regionMatches(true, 0, "ty=", 0, 3)) {
                String v = p.substring(3).trim().replace("\"", "");
                return Optional.of(v.contains(".") ? (int) Double.parseDouble(v) : Integer.parseInt(v));
            }
        }
        return Optional.empty();
    }

    private static Inbound reject(String rqi, String rvi, String fr, ResponseStatusCode code, String text) {
        return new Inbound.Rejected(ResponsePrimitive.error(rqi, rvi, fr, code, text));
    }
}
