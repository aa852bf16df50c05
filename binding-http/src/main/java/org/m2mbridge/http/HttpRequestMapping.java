package org.m2mbridge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
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
        put(h, M2mHeaders.ORIGIN, r.fr());
        put(h, M2mHeaders.RI, r.rqi());
        put(h, M2mHeaders.RVI, r.rvi());
        put(h, M2mHeaders.GID, r.gid());
        if (r.rt() != null && !r.rt().nu().isEmpty()) {
            put(h, M2mHeaders.RTU, String.join("&", r.rt().nu()));
        }
        put(h, M2mHeaders.OT, r.ot());
        put(h, M2mHeaders.RST, r.rset());
        put(h, M2mHeaders.RET, r.rqet());
        put(h, M2mHeaders.OET, r.oet());
        put(h, M2mHeaders.EC, r.ec());
        put(h, M2mHeaders.VSI, r.vsi());
        if (r.tkns() != null && !r.tkns().isEmpty()) {
            put(h, M2mHeaders.AUTHORIZATION, String.join("+", r.tkns()));
        }
        if (r.aus() != null) {
            put(h, M2mHeaders.AS, joined(r.aus()));
        }
        Serialization s = codec.serialization();
        put(h, M2mHeaders.ACCEPT, s.genericMediaType());
        byte[] body = null;
        boolean carriesContent = r.op() == Operation.CREATE || r.op() == Operation.UPDATE || r.op() == Operation.NOTIFY;
        if (carriesContent && pc != null) {
            body = codec.encodeContent(pc);
        }
        if (r.op() == Operation.CREATE) {
            // ACME sends "application/json;ty=2", Mobius "application/vnd.onem2m-res+json; ty=2"; both are read.
            String mt = mediaTypes == MediaTypes.VND ? s.resourceMediaType() + "; ty=" : s.genericMediaType() + ";ty=";
            put(h, M2mHeaders.CONTENT_TYPE, mt + (r.ty() == null ? "" : r.ty()));
        } else if (body != null) {
            put(h, M2mHeaders.CONTENT_TYPE, mediaTypes == MediaTypes.GENERIC ? s.genericMediaType()
                    : r.op() == Operation.NOTIFY ? s.notificationMediaType() : s.resourceMediaType());
        }
        return new HttpRequestMessage(methodOf(r.op()), target, h, body);
    }

    private static void put(Map<String, String> h, String name, Object value) {
        if (value != null) {
            h.put(name, String.valueOf(value));
        }
    }

    /** A list-valued header ({@code aus}, {@code ati}): items joined with '+' (TS-0009 6.4). */
    static String joined(JsonNode value) {
        if (!value.isArray()) {
            return value.asText();
        }
        List<String> items = new ArrayList<>();
        value.forEach(v -> items.add(v.isValueNode() ? v.asText() : v.toString()));
        return String.join("+", items);
    }

    static ArrayNode split(String header) {
        ArrayNode a = JSON.arrayNode();
        Arrays.stream(header.split("[+ ]")).filter(x -> !x.isEmpty()).forEach(a::add);
        return a;
    }

    // ---- HTTP -> primitive (inbound) ---------------------------------------------------------------------

    /** Outcome of reading an inbound HTTP request: a request primitive, or the error to answer with. */
    sealed interface Inbound {
        record Accepted(RequestPrimitive request, Serialization bodySerialization) implements Inbound {
        }

        record Rejected(ResponsePrimitive error) implements Inbound {
        }
    }

    static Inbound fromHttp(HttpRequestMessage m, Codecs codecs) {
        String rqi = m.header(M2mHeaders.RI);
        String rvi = m.header(M2mHeaders.RVI);
        String fr = m.header(M2mHeaders.ORIGIN);
        if (rqi == null || rqi.isBlank()) { // TS-0009 6.4: X-M2M-RI is mandatory in every request
            return reject(null, rvi, fr, ResponseStatusCode.BAD_REQUEST, "X-M2M-RI header is missing");
        }
        String contentType = m.header(M2mHeaders.CONTENT_TYPE);
        Optional<Integer> ty;
        try {
            ty = tyOf(contentType);
        } catch (NumberFormatException e) {
            return reject(rqi, rvi, fr, ResponseStatusCode.BAD_REQUEST, "ty in Content-Type is not a number");
        }
        Operation op = switch (m.method().toUpperCase(Locale.ROOT)) {
            case "GET" -> Operation.RETRIEVE;
            case "PUT" -> Operation.UPDATE;
            case "DELETE" -> Operation.DELETE;
            case "POST" -> ty.isPresent() ? Operation.CREATE : Operation.NOTIFY;
            default -> null;
        };
        if (op == null) {
            return reject(rqi, rvi, fr, ResponseStatusCode.OPERATION_NOT_ALLOWED,
                    "HTTP method " + m.method() + " has no oneM2M operation");
        }
        if ((fr == null || fr.isBlank()) && !(op == Operation.CREATE && ty.get() == ResourceType.AE.code())) {
            // TS-0009 6.4, TS-0004 7.2.1.1: From is mandatory in every request but an AE's registration; a request
            // without it reaches nobody (a NOTIFY with no fr would tell the device nothing of its sender)
            return reject(rqi, rvi, null, ResponseStatusCode.BAD_REQUEST, "X-M2M-Origin header is missing");
        }
        Serialization serialization = Serialization.JSON;
        if (contentType != null && !contentType.isBlank()) {
            Optional<Serialization> s = Serialization.fromMediaType(contentType);
            if (s.isEmpty()) {
                return reject(rqi, rvi, fr, ResponseStatusCode.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported Content-Type '" + contentType + "'");
            }
            serialization = s.get();
        }
        RequestPrimitive.Builder b = RequestPrimitive.builder().op(op).rqi(rqi).rvi(rvi).fr(fr)
                .ty(op == Operation.CREATE ? ty.get() : null)
                .gid(m.header(M2mHeaders.GID)).ot(m.header(M2mHeaders.OT)).rset(m.header(M2mHeaders.RST))
                .rqet(m.header(M2mHeaders.RET)).oet(m.header(M2mHeaders.OET)).vsi(m.header(M2mHeaders.VSI));
        String ec = m.header(M2mHeaders.EC);
        if (ec != null) {
            try {
                b.ec(Integer.valueOf(ec.trim()));
            } catch (NumberFormatException e) {
                return reject(rqi, rvi, fr, ResponseStatusCode.BAD_REQUEST, "X-M2M-EC must be a number");
            }
        }
        String auth = m.header(M2mHeaders.AUTHORIZATION);
        if (auth != null && !auth.regionMatches(true, 0, "Bearer ", 0, 7) && !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            b.tkns(List.of(auth.split("\\+")));
        }
        if (m.header(M2mHeaders.AS) != null) {
            b.aus(split(m.header(M2mHeaders.AS)));
        }
        String rtu = m.header(M2mHeaders.RTU);
        List<String> nu = rtu == null ? List.of()
                : Arrays.stream(rtu.split("&")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        List<String> atrl;
        try {
            atrl = RequestQuery.decode(m.rawQuery(), b, nu);
        } catch (RequestQuery.InvalidQuery e) {
            return reject(rqi, rvi, fr, ResponseStatusCode.BAD_REQUEST, e.getMessage());
        }
        String to = TargetPath.toOf(TargetPath.decode(m.path()));
        if (atrl.size() == 1) {
            to = to + "#" + atrl.get(0);
        } else if (atrl.size() > 1) {
            ArrayNode names = JSON.arrayNode();
            atrl.forEach(names::add);
            b.pc(JSON.objectNode().set(ATRL, names));
        }
        b.to(to);
        if (m.body().length > 0) {
            ContentResult content = codecs.get(serialization).decodeContent(m.body());
            if (content instanceof ContentResult.Failed f) {
                return reject(rqi, rvi, fr, ResponseStatusCode.BAD_REQUEST, f.reason());
            }
            b.pc(((ContentResult.Decoded) content).content());
        }
        return new Inbound.Accepted(b.build(), serialization);
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
        return new Inbound.Rejected(ResponsePrimitive.error(rqi, rvi, fr, code, text).withFlag(ResponseFlag.BR));
    }
}
