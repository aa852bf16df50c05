package org.m2mbridge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.FilterCriteria.Kind;
import org.m2mbridge.core.primitive.FilterCriteria.Member;
import org.m2mbridge.core.primitive.PrimitiveParameter;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseTypeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request parameters that travel in the query string (TS-0009 6.2.2.2, table 6.2.2.2-1), both ways: the one table
 * of query names. Filter-criteria members follow {@link FilterCriteria.Member}'s kinds; lists are written
 * {@code +}-joined and read from either that form or repeated names; {@code fc.atr} entries are written as
 * {@code <attr>=<value>}, {@code catr}/{@code patr} as {@code c.<attr>}/{@code p.<attr>}. Any other query name is
 * read as an attribute filter, as ACME-oneM2M-CSE does.
 */
final class RequestQuery {
    private static final Logger LOG = LoggerFactory.getLogger(RequestQuery.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A parameter the query cannot carry or a value that does not parse: answered 4000. */
    static final class InvalidQuery extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidQuery(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The request parameters the query carries by their own name (TS-0009 table 6.2.2.2-1, docs/spec/http.md
     * HTTP-Q-1), in the order they are written: the table's {@link PrimitiveParameter.Http#QUERY} parameters but
     * {@code fc}, whose members go by their own names.
     */
    static final List<PrimitiveParameter> PARAMETERS = List.of(PrimitiveParameter.RT, PrimitiveParameter.RP,
            PrimitiveParameter.RCN, PrimitiveParameter.DA, PrimitiveParameter.DRT, PrimitiveParameter.RIDS,
            PrimitiveParameter.TIDS, PrimitiveParameter.LTIDS, PrimitiveParameter.TQI, PrimitiveParameter.ASI,
            PrimitiveParameter.AURI, PrimitiveParameter.SQI);
    /** Partial retrieve's attribute list (TS-0009 6.2.2.2; docs/spec/http.md HTTP-TO-3): no primitive parameter. */
    static final String ATRL = "atrl";
    private static final Map<String, PrimitiveParameter> BY_NAME = new HashMap<>();

    static {
        PARAMETERS.forEach(p -> BY_NAME.put(p.httpName(), p));
    }

    private RequestQuery() {
    }

    // ---- primitive -> query ------------------------------------------------------------------------------

    /** The query string (without {@code ?}, empty when none) for {@code r}; {@code atrl} from partial retrieve. */
    static String encode(RequestPrimitive r, List<String> atrl) {
        List<String> out = new ArrayList<>();
        BiConsumer<String, Object> add = (name, value) -> {
            if (value != null) {
                out.add(component(name) + "=" + component(String.valueOf(value)));
            }
        };
        BiConsumer<String, List<String>> addList = (name, values) -> {
            if (values != null && !values.isEmpty()) {
                out.add(component(name) + "=" + String.join("+", values.stream().map(RequestQuery::component).toList()));
            }
        };
        for (PrimitiveParameter p : PARAMETERS) {
            Object value = p.get(r);
            switch (p.type()) {
                case RESPONSE_TYPE -> add.accept(p.httpName(), value == null ? null : ((ResponseTypeInfo) value).rtv());
                case STRING_LIST -> addList.accept(p.httpName(), strings(value));
                default -> add.accept(p.httpName(), value);
            }
        }
        if (r.fc() != null) {
            r.fc().members().forEach((name, value) -> encodeFilter(name, value, add, addList));
        }
        addList.accept(ATRL, atrl);
        return String.join("&", out);
    }

    private static void encodeFilter(String name, JsonNode value, BiConsumer<String, Object> add,
                                     BiConsumer<String, List<String>> addList) {
        Kind kind = Member.of(name).map(Member::kind).orElse(Kind.STRING);
        switch (kind) {
            case INTEGER_LIST, STRING_LIST -> addList.accept(name, texts(value));
            case ATTRIBUTE_LIST -> {
                String prefix = name.equals("catr") ? "c." : name.equals("patr") ? "p." : "";
                for (JsonNode a : value.isArray() ? value : JSON.arrayNode().add(value)) {
                    if (a.hasNonNull("nm")) {
                        addList.accept(prefix + a.get("nm").asText(), texts(a.path("val")));
                    }
                }
            }
            // TS-0009 has no query form for a structured member such as gq (R4 group query): not sent.
            case OBJECT -> LOG.debug("filter criteria member {} has no HTTP query form; not sent", name);
            default -> add.accept(name, value.isValueNode() ? value.asText() : value.toString());
        }
    }

    private static List<String> texts(JsonNode value) {
        List<String> out = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(v -> out.add(v.asText()));
        } else if (!value.isMissingNode() && !value.isNull()) {
            out.add(value.asText());
        }
        return out;
    }

    /** Percent-encodes a query name or value; '+', '&', '=', '#' and spaces are always escaped. */
    static String component(String s) {
        return TargetPath.percentEncode(s, "-._~:,@!$'()*/");
    }

    // ---- query -> primitive ------------------------------------------------------------------------------

    /**
     * Sets the query parameters of {@code rawQuery} (as received, still percent-encoded) on {@code b}.
     *
     * @param rtNu notification targets from {@code X-M2M-RTU}, combined with {@code rt}
     * @return the {@code atrl} attribute names (partial retrieve), empty when absent
     */
    static List<String> decode(String rawQuery, RequestPrimitive.Builder b, List<String> rtNu) throws InvalidQuery {
        Map<String, List<String>> params = parse(rawQuery);
        Map<String, JsonNode> fc = new LinkedHashMap<>();
        List<String> atrl = List.of();
        Integer rtv = null;
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            String name = p.getKey();
            List<String> values = items(p.getValue());
            String one = scalar(p.getValue());
            PrimitiveParameter parameter = BY_NAME.get(name);
            if (parameter == PrimitiveParameter.RT) {
                rtv = integer(name, one);
            } else if (parameter != null) {
                parameter.set(b, value(parameter, name, values, one));
            } else if (name.equals(ATRL)) {
                atrl = values;
            } else {
                decodeFilter(name, p.getValue(), fc);
            }
        }
        if (rtv != null || !rtNu.isEmpty()) {
            b.rt(new ResponseTypeInfo(rtv, rtNu));
        }
        if (!fc.isEmpty()) {
            b.fc(new FilterCriteria(fc));
        }
        return atrl;
    }

    /** A query parameter's value by its type in the table. */
    private static Object value(PrimitiveParameter p, String name, List<String> values, String one)
            throws InvalidQuery {
        return switch (p.type()) {
            case INTEGER -> integer(name, one);
            case BOOLEAN -> bool(name, one);
            case STRING_LIST -> values;
            case STRING -> one;
            default -> throw new IllegalStateException(p + " has no query form");
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return (List<String>) value;
    }

    private static void decodeFilter(String name, List<String> raw, Map<String, JsonNode> fc) throws InvalidQuery {
        List<String> values = items(raw);
        Optional<Member> member = Member.of(name);
        if (member.isEmpty() || member.get().kind() == Kind.ATTRIBUTE_LIST) {
            String list = name.startsWith("c.") ? "catr" : name.startsWith("p.") ? "patr" : "atr";
            String attr = list.equals("atr") ? name : name.substring(2);
            ArrayNode entries = (ArrayNode) fc.computeIfAbsent(list, k -> JSON.arrayNode());
            for (String v : raw) {
                entries.add(JSON.objectNode().put("nm", attr).put("val", formDecode(v)));
            }
            return;
        }
        String one = scalar(raw);
        JsonNode value = switch (member.get().kind()) {
            case INTEGER -> JSON.numberNode(integer(name, one));
            case BOOLEAN -> JSON.booleanNode(bool(name, one));
            case INTEGER_LIST -> {
                ArrayNode a = JSON.arrayNode();
                for (String v : values) {
                    a.add(integer(name, v));
                }
                yield a;
            }
            case STRING_LIST -> {
                ArrayNode a = JSON.arrayNode();
                values.forEach(a::add);
                yield a;
            }
            default -> JSON.textNode(one);
        };
        fc.put(name, value);
    }

    /** name -> raw (still escaped) values in arrival order, one per occurrence of the name. */
    static Map<String, List<String>> parse(String rawQuery) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
                out.computeIfAbsent(name, k -> new ArrayList<>()).add(eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return out;
    }

    /** List items of every occurrence: TS-0009 6.2.2.2 joins them with '+', which is a space in form encoding. */
    private static List<String> items(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            Arrays.stream(r.split("[+ ]|%20")).filter(s -> !s.isEmpty()).map(TargetPath::decode).forEach(out::add);
        }
        return out;
    }

    /** A single-valued parameter: the last occurrence, form-decoded. */
    private static String scalar(List<String> raw) {
        return formDecode(raw.get(raw.size() - 1));
    }

    private static String formDecode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static Integer integer(String name, String v) throws InvalidQuery {
        try {
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(v.trim()); // tinyIoT writes numbers as floats
                if (d == Math.rint(d)) {
                    return (int) d;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error
            }
            throw new InvalidQuery("query parameter " + name + " must be a number, got '" + v + "'");
        }
    }

    private static Boolean bool(String name, String v) throws InvalidQuery {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> Boolean.TRUE;
            case "false", "0" -> Boolean.FALSE;
            default -> throw new InvalidQuery("query parameter " + name + " must be true or false, got '" + v + "'");
        };
    }

}
