package org.m2mbridge.http;

import static org.m2mbridge.core.primitive.PrimitiveParameter.RT;



import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.primitive.PrimitiveParameter;
import org.m2mbridge.core.primitive.ResponseTypeInfo;

/**
 * Primitive parameters in {@code X-M2M-*} headers, both ways (TS-0009 6.4; docs/spec/http.md HTTP-H-1): names come
 * from {@link PrimitiveParameter#httpName()}, value forms from the parameter's type. Lists are {@code +}-joined
 * ({@code tkns}, {@code aus}, {@code ati}), {@code rt.nu} is {@code &}-joined in {@code X-M2M-RTU}. Requests are
 * read strictly (a bad number is a 4000), answers leniently (tinyIoT writes numbers as floats).
 */
final class HeaderParameters {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /**
     * The request's header parameters: every request parameter the table carries in a header, plus {@code rt} for
     * its {@code nu}. (Messages keep headers sorted by name, so this order is not the wire's.)
     */
    static final List<PrimitiveParameter> REQUEST = Arrays.stream(PrimitiveParameter.values())
            .filter(p -> p.inRequest() && (p.http() == PrimitiveParameter.Http.HEADER || p == RT)).toList();
    /** The response's header parameters. */
    static final List<PrimitiveParameter> RESPONSE = Arrays.stream(PrimitiveParameter.values())
            .filter(p -> p.inResponse() && p.http() == PrimitiveParameter.Http.HEADER).toList();

    /** A request header whose value does not parse: answered 4000 with the message. */
    static final class InvalidHeader extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidHeader(String message) {
            super(message, null, false, false);
        }
    }

    private HeaderParameters() {
    }

    /** The header carrying {@code p}: {@code X-M2M-RTU} for {@code rt}, else the table's name. */
    static String name(PrimitiveParameter p) {
        return p == RT ? PrimitiveParameter.RT_NU_HEADER : p.httpName();
    }

    /** Puts {@code p}'s header for {@code value} into {@code headers}; nothing when the value has no header form. */
    static void put(Map<String, String> headers, PrimitiveParameter p, Object value) {
        String text = format(p, value);
        if (text != null) {
            headers.put(name(p), text);
        }
    }

    @SuppressWarnings("unchecked")
    static String format(PrimitiveParameter p, Object value) {
        if (value == null) {
            return null;
        }
        return switch (p.type()) {
            case RESPONSE_TYPE -> {
                List<String> nu = ((ResponseTypeInfo) value).nu();
                yield nu.isEmpty() ? null : String.join("&", nu);
            }
            case STRING_LIST -> ((List<String>) value).isEmpty() ? null : String.join("+", (List<String>) value);
            case OBJECT_LIST, NODE -> joined((JsonNode) value);
            default -> String.valueOf(value);
        };
    }

    /**
     * The value of request header parameter {@code p} ({@code rt} excepted: see {@link #notificationTargets}),
     * null when absent.
     */
    static Object parseRequest(PrimitiveParameter p, String header) throws InvalidHeader {
        if (header == null) {
            return null;
        }
        return switch (p.type()) {
            case INTEGER -> {
                try {
                    yield Integer.valueOf(header.trim());
                } catch (NumberFormatException e) {
                    throw new InvalidHeader(name(p) + " must be a number");
                }
            }
            case STRING_LIST -> tokens(header);
            case OBJECT_LIST -> split(header);
            case STRING -> header;
            default -> throw new IllegalArgumentException(p + " is not a request header parameter");
        };
    }

    /** {@code tkns} from Authorization, unless it holds HTTP credentials (Basic, Bearer) for the CSE (TS-0009 7.1). */
    private static List<String> tokens(String authorization) {
        boolean credentials = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.regionMatches(true, 0, "Basic ", 0, 6);
        return credentials ? null : List.of(authorization.split("\\+"));
    }

    /** {@code rt.nu} from {@code X-M2M-RTU}: {@code &}-joined, empty when absent. */
    static List<String> notificationTargets(String rtu) {
        return rtu == null ? List.of()
                : Arrays.stream(rtu.split("&")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** The value of response header parameter {@code p}, leniently: null when absent or unreadable. */
    static Object parseResponse(PrimitiveParameter p, String header) {
        if (header == null) {
            return null;
        }
        return switch (p.type()) {
            case STATUS, INTEGER -> integer(header);
            case NODE -> split(header);
            case BOOLEAN -> Boolean.valueOf(header.trim());
            case STRING -> header;
            default -> throw new IllegalArgumentException(p + " is not a response header parameter");
        };
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

    /** Numeric header, leniently: tinyIoT writes numbers as floats ({@code 2001.0}). Null when absent or bad. */
    static Integer integer(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(v.trim());
                return d == Math.rint(d) ? (int) d : null;
            } catch (NumberFormatException e2) {
                return null;
            }
        }
    }
}
