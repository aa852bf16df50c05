package org.m2mbridge.core.codec;

import java.util.HashMap;
import java.util.Map;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.PrimitiveParameter;
import org.m2mbridge.core.primitive.ResponseTypeInfo;

/**
 * The one table of value kinds by short name (TS-0004 8.2, 8.4.2): which names hold integers, booleans, lists
 * or lists of complex values. JSON/CBOR content uses it to canonicalise peer dialects ({@code "ty":"3"},
 * {@code "ty":2.0}); the XML reader uses it to type element text, which XML cannot carry (TS-0004 8.3).
 * A few names change kind with their parent ({@code net} is a list inside {@code enc} but a number inside
 * {@code nev}; {@code ty} is a list inside {@code fc}), so lookups take the parent's name. Names not listed
 * here are left exactly as received.
 */
final class ShortNames {

    /** Kind of value a short name holds. */
    enum Kind { STRING, INTEGER, BOOLEAN, STRING_LIST, INTEGER_LIST, OBJECT_LIST }

    /** Parent name used for the members of a primitive (the {@code m2m:rqp}/{@code m2m:rsp} level). */
    static final String PRIMITIVE = "";
    /** Parent name used for the root members of a content ({@code m2m:cnt}, {@code m2m:dbg}, ...). */
    static final String CONTENT = "pc";

    private static final Map<String, Kind> PRIMITIVE_KINDS = new HashMap<>();
    private static final Map<String, Kind> ATTRIBUTE_KINDS = new HashMap<>();
    private static final Map<String, Kind> BY_PARENT = new HashMap<>();

    static {
        // Request and response parameters: the one table, TS-0004 table 8.2.2-1 (PrimitiveParameter). Structured
        // ones (pc, rt, fc, ati, tqf) have no scalar kind: their members are typed by parent below.
        for (PrimitiveParameter p : PrimitiveParameter.values()) {
            Kind k = of(p.type());
            if (k != null) {
                PRIMITIVE_KINDS.put(p.shortName(), k);
            }
        }

        // Resource and notification attributes (TS-0004 8.2.3 short names; resource-specific tables).
        put(ATTRIBUTE_KINDS, Kind.INTEGER, "ty", "st", "cs", "cni", "cbs", "mni", "mbs", "mia", "cst", "nct", "exc",
                "pn", "nec", "num", "acop", "mgd", "cnm", "mnm", "mt", "csy", "rcn", "net", "op", "rsc", "typ", "mdn",
                "mdc", "pei", "peid", "ec");
        put(ATTRIBUTE_KINDS, Kind.BOOLEAN, "rr", "vrq", "sud", "mtv", "ln", "mdd", "disr");
        put(ATTRIBUTE_KINDS, Kind.STRING_LIST, "poa", "acpi", "lbl", "srv", "nu", "csz", "at", "aa", "mid", "macp",
                "dcse", "acor", "m2m:uril");
        put(ATTRIBUTE_KINDS, Kind.INTEGER_LIST, "srt");
        put(ATTRIBUTE_KINDS, Kind.OBJECT_LIST, "acr", "atr", "rrf", "ch");

        // Parent-dependent kinds.
        BY_PARENT.put("enc/net", Kind.INTEGER_LIST);
        BY_PARENT.put("enc/chty", Kind.INTEGER_LIST);
        BY_PARENT.put(PrimitiveParameter.RT.shortName() + "/" + ResponseTypeInfo.RTV, Kind.INTEGER);
        BY_PARENT.put(PrimitiveParameter.RT.shortName() + "/" + ResponseTypeInfo.NU, Kind.STRING_LIST);
        for (FilterCriteria.Member m : FilterCriteria.Member.values()) {
            BY_PARENT.put("fc/" + m.shortName(), of(m.kind()));
        }
    }

    private ShortNames() {
    }

    private static void put(Map<String, Kind> table, Kind kind, String... names) {
        for (String n : names) {
            table.put(n, kind);
        }
    }

    private static Kind of(PrimitiveParameter.Type t) {
        return switch (t) {
            case OPERATION, STATUS, INTEGER -> Kind.INTEGER;
            case STRING -> Kind.STRING;
            case BOOLEAN -> Kind.BOOLEAN;
            case STRING_LIST -> Kind.STRING_LIST;
            case OBJECT_LIST -> Kind.OBJECT_LIST;
            case CONTENT, NODE, RESPONSE_TYPE, FILTER_CRITERIA -> null;
        };
    }

    private static Kind of(FilterCriteria.Kind k) {
        return switch (k) {
            case INTEGER -> Kind.INTEGER;
            case INTEGER_LIST -> Kind.INTEGER_LIST;
            case STRING_LIST -> Kind.STRING_LIST;
            case ATTRIBUTE_LIST -> Kind.OBJECT_LIST;
            case BOOLEAN -> Kind.BOOLEAN;
            case TIMESTAMP, STRING -> Kind.STRING;
            case OBJECT -> null;
        };
    }

    /**
     * Kind of {@code name} inside an element or object named {@code parent} ({@link #PRIMITIVE} for primitive
     * parameters), or null when unknown (keep as received).
     */
    static Kind kind(String parent, String name) {
        if (PRIMITIVE.equals(parent)) {
            return PRIMITIVE_KINDS.get(name);
        }
        if (parent != null && (parent.equals("enc") || parent.equals("rt") || parent.equals("fc"))) {
            Kind k = BY_PARENT.get(parent + "/" + name);
            if (k != null || parent.equals("fc")) {
                return k;
            }
        }
        return ATTRIBUTE_KINDS.get(name);
    }

    static boolean isList(Kind k) {
        return k == Kind.STRING_LIST || k == Kind.INTEGER_LIST;
    }
}
