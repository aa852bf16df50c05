package org.m2mbridge.core.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.Primitive;
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
    private static final Set<String> REQUEST_PARAMETERS = Set.of("op", "to", "fr", "rqi", "ty", "pc", "rids", "ot",
            "rqet", "rset", "oet", "rt", "rp", "rcn", "ec", "da", "gid", "fc", "drt", "tkns", "tids", "ltids", "tqi",
            "grtm", "asi", "aus", "auri", "sqi", "rvi", "vsi");
    private static final Set<String> RESPONSE_PARAMETERS = Set.of("rsc", "rqi", "pc", "to", "fr", "ot", "rset", "ec",
            "cnst", "cnot", "ati", "tqf", "asri", "rvi", "vsi");

    private PrimitiveTree() {
    }

    /** A request if {@code op} is present, a response if {@code rsc} is; a failure carries rqi/rvi if readable. */
    static DecodeResult decode(JsonNode root) {
        if (!(root instanceof ObjectNode o)) {
            return DecodeResult.Failed.badRequest("top-level value is not an object", Optional.empty(), Optional.empty());
        }
        ObjectNode p = unwrap(o);
        try {
            if (p.has("op")) {
                return new DecodeResult.Decoded(request(p));
            }
            if (p.has("rsc")) {
                return new DecodeResult.Decoded(response(p));
            }
            throw new DecodeFailure("neither op nor rsc");
        } catch (DecodeFailure e) {
            return DecodeResult.Failed.badRequest(e.getMessage(), Optional.ofNullable(Scalars.text(p.get("rqi"))),
                    Optional.ofNullable(Scalars.text(p.get("rvi"))));
        }
    }

    private static ObjectNode unwrap(ObjectNode o) {
        if (!o.has("op") && !o.has("rsc")) {
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
            if (v.isNull() && REQUEST_PARAMETERS.contains(name)) {
                continue; // a known parameter given as null is absent; an unknown one passes through as is
            }
            switch (name) {
                case "op" -> b.op(operation(v));
                case "to" -> b.to(string(name, v));
                case "fr" -> b.fr(string(name, v));
                case "rqi" -> b.rqi(string(name, v));
                case "ty" -> b.ty(integer(name, v));
                case "pc" -> b.pc(ContentNormaliser.normalise(v));
                case "rids" -> b.rids(strings(name, v));
                case "ot" -> b.ot(string(name, v));
                case "rqet" -> b.rqet(string(name, v));
                case "rset" -> b.rset(string(name, v));
                case "oet" -> b.oet(string(name, v));
                case "rt" -> b.rt(responseType(v));
                case "rp" -> b.rp(string(name, v));
                case "rcn" -> b.rcn(integer(name, v));
                case "ec" -> b.ec(integer(name, v));
                case "da" -> b.da(bool(name, v));
                case "gid" -> b.gid(string(name, v));
                case "fc" -> b.fc(FilterCriteriaTree.read(v));
                case "drt" -> b.drt(integer(name, v));
                case "tkns" -> b.tkns(strings(name, v));
                case "tids" -> b.tids(strings(name, v));
                case "ltids" -> b.ltids(strings(name, v));
                case "tqi" -> b.tqi(bool(name, v));
                case "grtm" -> b.grtm(strings(name, v));
                case "asi" -> b.asi(bool(name, v));
                case "aus" -> b.aus(ContentNormaliser.value(ShortNames.Kind.OBJECT_LIST, v));
                case "auri" -> b.auri(bool(name, v));
                case "sqi" -> b.sqi(bool(name, v));
                case "rvi" -> b.rvi(string(name, v));
                case "vsi" -> b.vsi(string(name, v));
                default -> b.extra(name, v);
            }
        }
        return b.build();
    }

    private static ResponsePrimitive response(ObjectNode o) throws DecodeFailure {
        ResponsePrimitive.Builder b = ResponsePrimitive.builder(integer("rsc", o.get("rsc")), null);
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (v.isNull() && RESPONSE_PARAMETERS.contains(name)) {
                continue;
            }
            switch (name) {
                case "rsc" -> { }
                case "rqi" -> b.rqi(string(name, v));
                case "pc" -> b.pc(ContentNormaliser.normalise(v));
                case "to" -> b.to(string(name, v));
                case "fr" -> b.fr(string(name, v));
                case "ot" -> b.ot(string(name, v));
                case "rset" -> b.rset(string(name, v));
                case "ec" -> b.ec(integer(name, v));
                case "cnst" -> b.cnst(integer(name, v));
                case "cnot" -> b.cnot(integer(name, v));
                case "ati" -> b.ati(v);
                case "tqf" -> b.tqf(v);
                case "asri" -> b.asri(bool(name, v));
                case "rvi" -> b.rvi(string(name, v));
                case "vsi" -> b.vsi(string(name, v));
                default -> b.extra(name, v);
            }
        }
        return b.build();
    }

    private static Operation operation(JsonNode v) throws DecodeFailure {
        int code = integer("op", v);
        return Operation.of(code).orElseThrow(() -> new DecodeFailure("op: undefined value " + code));
    }

    private static ResponseTypeInfo responseType(JsonNode v) throws DecodeFailure {
        if (!v.isObject()) {
            return new ResponseTypeInfo(integer("rt", v), null);
        }
        JsonNode rtv = v.get("rtv");
        JsonNode nu = v.get("nu");
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
        o.put("op", r.op().code());
        putText(o, "to", r.to());
        putText(o, "fr", r.fr());
        putText(o, "rqi", r.rqi());
        putInt(o, "ty", r.ty());
        putNode(o, "pc", r.pc());
        putList(o, "rids", r.rids());
        putText(o, "ot", r.ot());
        putText(o, "rqet", r.rqet());
        putText(o, "rset", r.rset());
        putText(o, "oet", r.oet());
        if (r.rt() != null) {
            ObjectNode rt = o.putObject("rt");
            putInt(rt, "rtv", r.rt().rtv());
            if (!r.rt().nu().isEmpty()) {
                putList(rt, "nu", r.rt().nu());
            }
        }
        putText(o, "rp", r.rp());
        putInt(o, "rcn", r.rcn());
        putInt(o, "ec", r.ec());
        putBool(o, "da", r.da());
        putText(o, "gid", r.gid());
        if (r.fc() != null) {
            o.set("fc", FilterCriteriaTree.write(r.fc()));
        }
        putInt(o, "drt", r.drt());
        putList(o, "tkns", r.tkns());
        putList(o, "tids", r.tids());
        putList(o, "ltids", r.ltids());
        putBool(o, "tqi", r.tqi());
        putList(o, "grtm", r.grtm());
        putBool(o, "asi", r.asi());
        putNode(o, "aus", r.aus());
        putBool(o, "auri", r.auri());
        putBool(o, "sqi", r.sqi());
        putText(o, "rvi", r.rvi());
        putText(o, "vsi", r.vsi());
        putExtra(o, r.extra());
        return o;
    }

    private static ObjectNode response(ResponsePrimitive r) {
        ObjectNode o = NODES.objectNode();
        o.put("rsc", r.rsc());
        putText(o, "rqi", r.rqi());
        putNode(o, "pc", r.pc());
        putText(o, "to", r.to());
        putText(o, "fr", r.fr());
        putText(o, "ot", r.ot());
        putText(o, "rset", r.rset());
        putInt(o, "ec", r.ec());
        putInt(o, "cnst", r.cnst());
        putInt(o, "cnot", r.cnot());
        putNode(o, "ati", r.ati());
        putNode(o, "tqf", r.tqf());
        putBool(o, "asri", r.asri());
        putText(o, "rvi", r.rvi());
        putText(o, "vsi", r.vsi());
        putExtra(o, r.extra());
        return o;
    }

    private static void putText(ObjectNode o, String name, String v) {
        if (v != null) {
            o.put(name, v);
        }
    }

    private static void putInt(ObjectNode o, String name, Integer v) {
        if (v != null) {
            o.put(name, v.intValue());
        }
    }

    private static void putBool(ObjectNode o, String name, Boolean v) {
        if (v != null) {
            o.put(name, v.booleanValue());
        }
    }

    private static void putNode(ObjectNode o, String name, JsonNode v) {
        if (v != null) {
            o.set(name, v);
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
