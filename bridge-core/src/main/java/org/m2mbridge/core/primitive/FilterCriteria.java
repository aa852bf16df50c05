package org.m2mbridge.core.primitive;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Filter criteria ({@code fc}, m2m:filterCriteria, TS-0004 6.3.5.8). Members are kept by short name in arrival
 * order, each with its value as a canonical JSON tree (numbers as numbers, lists as arrays); {@link Member} is the
 * one table of every known member and its value kind, used by the codecs (XML typing) and the HTTP query mapping.
 * Unknown members are kept too, so later releases pass through. Value trees are never mutated after construction.
 */
public record FilterCriteria(Map<String, JsonNode> members) {

    /** What kind of value a member holds; drives typing in XML and the HTTP query-string form. */
    public enum Kind { TIMESTAMP, INTEGER, INTEGER_LIST, STRING, STRING_LIST, ATTRIBUTE_LIST, BOOLEAN, OBJECT }

    /** Every filter-criteria member of TS-0004 6.3.5.8 (R3) plus the R4 members ACME maps. */
    public enum Member {
        CRB("crb", Kind.TIMESTAMP), CRA("cra", Kind.TIMESTAMP), MS("ms", Kind.TIMESTAMP), US("us", Kind.TIMESTAMP),
        STS("sts", Kind.INTEGER), STB("stb", Kind.INTEGER), EXB("exb", Kind.TIMESTAMP), EXA("exa", Kind.TIMESTAMP),
        LBL("lbl", Kind.STRING_LIST), CLBL("clbl", Kind.STRING_LIST), PALB("palb", Kind.STRING_LIST),
        LBQ("lbq", Kind.STRING_LIST), TY("ty", Kind.INTEGER_LIST), CHTY("chty", Kind.INTEGER_LIST),
        PTY("pty", Kind.INTEGER_LIST), SZA("sza", Kind.INTEGER), SZB("szb", Kind.INTEGER),
        CTY("cty", Kind.STRING_LIST), ATR("atr", Kind.ATTRIBUTE_LIST), CATR("catr", Kind.ATTRIBUTE_LIST),
        PATR("patr", Kind.ATTRIBUTE_LIST), FU("fu", Kind.INTEGER), LIM("lim", Kind.INTEGER),
        SMF("smf", Kind.STRING_LIST), FO("fo", Kind.INTEGER), CFS("cfs", Kind.INTEGER), CFQ("cfq", Kind.STRING),
        LVL("lvl", Kind.INTEGER), OFST("ofst", Kind.INTEGER), ARP("arp", Kind.STRING), GQ("gq", Kind.OBJECT);

        private static final Map<String, Member> BY_NAME = new LinkedHashMap<>();

        static {
            for (Member m : values()) {
                BY_NAME.put(m.shortName, m);
            }
        }

        private final String shortName;
        private final Kind kind;

        Member(String shortName, Kind kind) {
            this.shortName = shortName;
            this.kind = kind;
        }

        public String shortName() {
            return shortName;
        }

        public Kind kind() {
            return kind;
        }

        public static Optional<Member> of(String shortName) {
            return Optional.ofNullable(BY_NAME.get(shortName));
        }
    }

    public FilterCriteria {
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    public Optional<JsonNode> get(String shortName) {
        return Optional.ofNullable(members.get(shortName));
    }

    /** {@code fu}: 1 discovery, 2 conditional retrieval (default). */
    public Optional<Integer> filterUsage() {
        return get("fu").filter(JsonNode::canConvertToInt).map(JsonNode::intValue);
    }
}
