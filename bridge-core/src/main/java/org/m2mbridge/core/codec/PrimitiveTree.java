package org.m2mbridge.core.codec;

import static org.m2mbridge.core.primitive.PrimitiveParameter.OP;
import static org.m2mbridge.core.primitive.PrimitiveParameter.RSC;
import static org.m2mbridge.core.primitive.PrimitiveParameter.RQI;
import static org.m2mbridge.core.primitive.PrimitiveParameter.RVI;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.PrimitiveParameter;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseTypeInfo;

/**
 * The one mapping between a short-name JSON tree (TS-0004 8.2, 8.4) and {@link RequestPrimitive} /
 * {@link ResponsePrimitive}, shared by all three codecs. Lenient input, canonical output: numeric parameters
 * may arrive as numeric strings or integral floats, booleans as strings, {@code rvi} as a number, and a
 * {@code m2m:rqp}/{@code m2m:rsp} wrapper is stripped (TS-0004 8.4 REC). Output has numbers as numbers and
 * {@code rvi} as a string, in XSD order (which the XML writer relies on), with unknown parameters last.
 */
final class PrimitiveTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The table's orders as arrays: a for-each over a List allocates an iterator per primitive. */
    private static final PrimitiveParameter[] REQUEST = PrimitiveParameter.request().toArray(PrimitiveParameter[]::new);
    private static final PrimitiveParameter[] RESPONSE =
            PrimitiveParameter.response().toArray(PrimitiveParameter[]::new);

    private PrimitiveTree() {
    }

    /** A request if {@code op} is present, a response if {@code rsc} is; a failure carries rqi/rvi if readable. */
    static DecodeResult decode(JsonNode root) {
        if (!(root instanceof ObjectNode o)) {
            return DecodeResult.Failed.badRequest("top-level value is not an object", Optional.empty(), Optional.empty());
        }
        ObjectNode p = unwrap(o);
        try {
            if (p.has(OP.shortName())) {
                return new DecodeResult.Decoded(request(p));
            }
            if (p.has(RSC.shortName())) {
                return new DecodeResult.Decoded(response(p));
            }
            throw new DecodeFailure("neither op nor rsc");
        } catch (DecodeFailure e) {
            return DecodeResult.Failed.badRequest(e.getMessage(),
                    Optional.ofNullable(Scalars.text(p.get(RQI.shortName()))),
                    Optional.ofNullable(Scalars.text(p.get(RVI.shortName()))));
        }
    }

    private static ObjectNode unwrap(ObjectNode o) {
        if (!o.has(OP.shortName()) && !o.has(RSC.shortName())) {
            for (String wrapper : new String[] {"m2m:rqp", "m2m:rsp"}) {
                if (o.get(wrapper) instanceof ObjectNode inner) {
                    return inner;
                }
            }
        }
        return o;
    }

    private static RequestPrimitive request(ObjectNode o) throws DecodeFailure {
        RequestPrimitive.Builder b = RequestPrimitive.builder();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            PrimitiveParameter p = PrimitiveParameter.named(name);
            if (p == null || !p.inRequest()) {
                b.extra(name, v); // an unknown parameter passes through as is, null included
            } else if (!v.isNull()) { // a known parameter given as null is absent
                p.set(b, value(p, v));
            }
        }
        return b.build();
    }

    private static ResponsePrimitive response(ObjectNode o) throws DecodeFailure {
        ResponsePrimitive.Builder b = ResponsePrimitive.builder(integer(RSC.shortName(), o.get(RSC.shortName())), null);
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            PrimitiveParameter p = PrimitiveParameter.named(name);
            if (p == null || !p.inResponse()) {
                b.extra(name, v);
            } else if (p != RSC && !v.isNull()) {
                p.set(b, value(p, v));
            }
        }
        return b.build();
    }

    /** The typed value of parameter {@code p} (TS-0004 table 8.2.2-1 types), read leniently. */
    private static Object value(PrimitiveParameter p, JsonNode v) throws DecodeFailure {
        String name = p.shortName();
        return switch (p.type()) {
            case OPERATION -> operation(v);
            case STATUS, INTEGER -> integer(name, v);
            case STRING -> string(name, v);
            case BOOLEAN -> bool(name, v);
            case STRING_LIST -> strings(name, v);
            case OBJECT_LIST -> ContentNormaliser.value(ShortNames.Kind.OBJECT_LIST, v);
            case CONTENT -> ContentNormaliser.normalise(v);
            case NODE -> v;
            case RESPONSE_TYPE -> responseType(v);
            case FILTER_CRITERIA -> FilterCriteriaTree.read(v);
        };
    }

    private static Operation operation(JsonNode v) throws DecodeFailure {
        int code = integer(OP.shortName(), v);
        return Operation.of(code).orElseThrow(() -> new DecodeFailure("op: undefined value " + code));
    }

    private static ResponseTypeInfo responseType(JsonNode v) throws DecodeFailure {
        if (!v.isObject()) {
            return new ResponseTypeInfo(integer("rt", v), null);
        }
        JsonNode rtv = v.get(ResponseTypeInfo.RTV);
        JsonNode nu = v.get(ResponseTypeInfo.NU);
        return new ResponseTypeInfo(rtv == null || rtv.isNull() ? null : integer("rt.rtv", rtv),
                nu == null || nu.isNull() ? null : strings("rt.nu", nu));
    }

    static long integral(String name, JsonNode v) throws DecodeFailure {
        Long l = Scalars.integral(v);
        if (l == null) {
            throw new DecodeFailure(name + ": not an integer");
        }
        return l;
    }

    private static int integer(String name, JsonNode v) throws DecodeFailure {
        if (v == null) {
            throw new DecodeFailure(name + ": missing");
        }
        long l = integral(name, v);
        if (l != (int) l) {
            throw new DecodeFailure(name + ": out of range");
        }
        return (int) l;
    }

    static String string(String name, JsonNode v) throws DecodeFailure {
        String s = Scalars.text(v);
        if (s == null) {
            throw new DecodeFailure(name + ": not a string");
        }
        return s;
    }

    static boolean bool(String name, JsonNode v) throws DecodeFailure {
        Boolean b = Scalars.bool(v);
        if (b == null) {
            throw new DecodeFailure(name + ": not a boolean");
        }
        return b;
    }

    /** A list of strings; a single string is taken as a one-element list. */
    static List<String> strings(String name, JsonNode v) throws DecodeFailure {
        if (!v.isArray()) {
            return List.of(string(name, v));
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode item : v) {
            out.add(string(name, item));
        }
        return out;
    }

    /** Canonical tree of a primitive, parameters in XSD order (TS-0004 8.2.2), unknown ones last. */
    static ObjectNode encode(Primitive p) {
        return p instanceof RequestPrimitive r ? request(r) : response((ResponsePrimitive) p);
    }

    private static ObjectNode request(RequestPrimitive r) {
        ObjectNode o = NODES.objectNode();
        for (PrimitiveParameter p : REQUEST) {
            put(o, p, p.get(r));
        }
        putExtra(o, r.extra());
        return o;
    }

    private static ObjectNode response(ResponsePrimitive r) {
        ObjectNode o = NODES.objectNode();
        o.put(RSC.shortName(), r.rsc());
        for (PrimitiveParameter p : RESPONSE) {
            if (p != RSC) {
                put(o, p, p.get(r));
            }
        }
        putExtra(o, r.extra());
        return o;
    }

    /** Canonical form of one parameter's value; nothing when absent. */
    @SuppressWarnings("unchecked")
    private static void put(ObjectNode o, PrimitiveParameter p, Object v) {
        if (v == null) {
            return;
        }
        String name = p.shortName();
        switch (p.type()) {
            case OPERATION -> o.put(name, ((Operation) v).code());
            case STATUS, INTEGER -> o.put(name, ((Integer) v).intValue());
            case STRING -> o.put(name, (String) v);
            case BOOLEAN -> o.put(name, ((Boolean) v).booleanValue());
            case STRING_LIST -> putList(o, name, (List<String>) v);
            case OBJECT_LIST, CONTENT, NODE -> o.set(name, (JsonNode) v);
            case RESPONSE_TYPE -> {
                ResponseTypeInfo rt = (ResponseTypeInfo) v;
                ObjectNode rto = o.putObject(name);
                if (rt.rtv() != null) {
                    rto.put(ResponseTypeInfo.RTV, rt.rtv().intValue());
                }
                if (!rt.nu().isEmpty()) {
                    putList(rto, ResponseTypeInfo.NU, rt.nu());
                }
            }
            case FILTER_CRITERIA -> o.set(name, FilterCriteriaTree.write((FilterCriteria) v));
        }
    }

    private static void putList(ObjectNode o, String name, List<String> v) {
        if (v != null) {
            ArrayNode a = o.putArray(name);
            v.forEach(a::add);
        }
    }

    private static void putExtra(ObjectNode o, Map<String, JsonNode> extra) {
        for (Map.Entry<String, JsonNode> e : extra.entrySet()) {
            if (!o.has(e.getKey())) {
                o.set(e.getKey(), e.getValue());
            }
        }
    }
}
