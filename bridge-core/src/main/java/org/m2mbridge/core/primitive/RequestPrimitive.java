package org.m2mbridge.core.primitive;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A oneM2M request primitive with every parameter of TS-0004 6.4.1 / 8.2.2 (docs/spec/primitives.md; the table of
 * parameters is {@link PrimitiveParameter}).
 * Numbers that peers send as strings or floats are canonicalised by the codecs before they get here, so the
 * typed fields hold canonical values; timestamps and absRelTimestamps stay strings as received.
 * Build with {@link #builder()}; derive changed copies with {@link #toBuilder()}.
 */
public record RequestPrimitive(
        Operation op,
        String to,
        String fr,
        String rqi,
        Integer ty,
        JsonNode pc,
        List<String> rids,
        String ot,
        String rqet,
        String rset,
        String oet,
        ResponseTypeInfo rt,
        String rp,
        Integer rcn,
        Integer ec,
        Boolean da,
        String gid,
        FilterCriteria fc,
        Integer drt,
        List<String> tkns,
        List<String> tids,
        List<String> ltids,
        Boolean tqi,
        List<String> grtm,
        Boolean asi,
        JsonNode aus,
        Boolean auri,
        Boolean sqi,
        String rvi,
        String vsi,
        Map<String, JsonNode> extra) implements Primitive {

    public RequestPrimitive {
        Objects.requireNonNull(op, "op");
        rids = copy(rids);
        tkns = copy(tkns);
        tids = copy(tids);
        ltids = copy(ltids);
        grtm = copy(grtm);
        extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    private static List<String> copy(List<String> l) {
        return l == null ? null : List.copyOf(l);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** CREATE of {@code <AE>} or {@code <remoteCSE>}: the registration request of TS-0020 7.4. */
    public boolean isRegistration() {
        return op == Operation.CREATE && ResourceType.isRegistration(ty);
    }

    /** The value of {@code p} ({@link PrimitiveParameter#get}), null when absent or not a request parameter. */
    Object get(PrimitiveParameter p) {
        return switch (p) {
            case OP -> op;
            case TO -> to;
            case FR -> fr;
            case RQI -> rqi;
            case TY -> ty;
            case PC -> pc;
            case RIDS -> rids;
            case OT -> ot;
            case RQET -> rqet;
            case RSET -> rset;
            case OET -> oet;
            case RT -> rt;
            case RP -> rp;
            case RCN -> rcn;
            case EC -> ec;
            case DA -> da;
            case GID -> gid;
            case FC -> fc;
            case DRT -> drt;
            case TKNS -> tkns;
            case TIDS -> tids;
            case LTIDS -> ltids;
            case TQI -> tqi;
            case GRTM -> grtm;
            case ASI -> asi;
            case AUS -> aus;
            case AURI -> auri;
            case SQI -> sqi;
            case RVI -> rvi;
            case VSI -> vsi;
            default -> null;
        };
    }

    /** Mutable builder; {@link #build()} gives an immutable primitive. */
    public static final class Builder {
        private Operation op;
        private String to;
        private String fr;
        private String rqi;
        private Integer ty;
        private JsonNode pc;
        private List<String> rids;
        private String ot;
        private String rqet;
        private String rset;
        private String oet;
        private ResponseTypeInfo rt;
        private String rp;
        private Integer rcn;
        private Integer ec;
        private Boolean da;
        private String gid;
        private FilterCriteria fc;
        private Integer drt;
        private List<String> tkns;
        private List<String> tids;
        private List<String> ltids;
        private Boolean tqi;
        private List<String> grtm;
        private Boolean asi;
        private JsonNode aus;
        private Boolean auri;
        private Boolean sqi;
        private String rvi;
        private String vsi;
        private Map<String, JsonNode> extra; // made on the first unknown parameter: most primitives have none

        private Builder() {
        }

        private Builder(RequestPrimitive r) {
            op = r.op;
            to = r.to;
            fr = r.fr;
            rqi = r.rqi;
            ty = r.ty;
            pc = r.pc;
            rids = r.rids;
            ot = r.ot;
            rqet = r.rqet;
            rset = r.rset;
            oet = r.oet;
            rt = r.rt;
            rp = r.rp;
            rcn = r.rcn;
            ec = r.ec;
            da = r.da;
            gid = r.gid;
            fc = r.fc;
            drt = r.drt;
            tkns = r.tkns;
            tids = r.tids;
            ltids = r.ltids;
            tqi = r.tqi;
            grtm = r.grtm;
            asi = r.asi;
            aus = r.aus;
            auri = r.auri;
            sqi = r.sqi;
            rvi = r.rvi;
            vsi = r.vsi;
            if (!r.extra.isEmpty()) {
                extra = new LinkedHashMap<>(r.extra);
            }
        }

        /**
         * Sets {@code p} ({@link PrimitiveParameter#set}); a parameter of the other primitive is refused. One small
         * method per value type so that the JIT inlines them into the codecs' decode loop and the builder stays
         * off the heap there (one switch over every parameter is too large to inline).
         */
        Builder set(PrimitiveParameter p, Object v) {
            switch (p.type()) {
                case STRING -> setString(p, (String) v);
                case INTEGER -> setInteger(p, (Integer) v);
                case BOOLEAN -> setBoolean(p, (Boolean) v);
                case STRING_LIST -> setList(p, strings(v));
                default -> setStructured(p, v);
            }
            return this;
        }

        private void setString(PrimitiveParameter p, String v) {
            switch (p) {
                case TO -> to = v;
                case FR -> fr = v;
                case RQI -> rqi = v;
                case OT -> ot = v;
                case RQET -> rqet = v;
                case RSET -> rset = v;
                case OET -> oet = v;
                case RP -> rp = v;
                case GID -> gid = v;
                case RVI -> rvi = v;
                case VSI -> vsi = v;
                default -> throw new IllegalArgumentException(p.shortName() + " is not a request parameter");
            }
        }

        private void setInteger(PrimitiveParameter p, Integer v) {
            switch (p) {
                case TY -> ty = v;
                case RCN -> rcn = v;
                case EC -> ec = v;
                case DRT -> drt = v;
                default -> throw new IllegalArgumentException(p.shortName() + " is not a request parameter");
            }
        }

        private void setBoolean(PrimitiveParameter p, Boolean v) {
            switch (p) {
                case DA -> da = v;
                case TQI -> tqi = v;
                case ASI -> asi = v;
                case AURI -> auri = v;
                case SQI -> sqi = v;
                default -> throw new IllegalArgumentException(p.shortName() + " is not a request parameter");
            }
        }

        private void setList(PrimitiveParameter p, List<String> v) {
            switch (p) {
                case RIDS -> rids = v;
                case TKNS -> tkns = v;
                case TIDS -> tids = v;
                case LTIDS -> ltids = v;
                case GRTM -> grtm = v;
                default -> throw new IllegalArgumentException(p.shortName() + " is not a request parameter");
            }
        }

        private void setStructured(PrimitiveParameter p, Object v) {
            switch (p) {
                case OP -> op = (Operation) v;
                case PC -> pc = (JsonNode) v;
                case RT -> rt = (ResponseTypeInfo) v;
                case FC -> fc = (FilterCriteria) v;
                case AUS -> aus = (JsonNode) v;
                default -> throw new IllegalArgumentException(p.shortName() + " is not a request parameter");
            }
        }

        @SuppressWarnings("unchecked")
        private static List<String> strings(Object v) {
            return (List<String>) v;
        }

        public Builder op(Operation v) { op = v; return this; }
        public Builder to(String v) { to = v; return this; }
        public Builder fr(String v) { fr = v; return this; }
        public Builder rqi(String v) { rqi = v; return this; }
        public Builder ty(Integer v) { ty = v; return this; }
        public Builder pc(JsonNode v) { pc = v; return this; }
        public Builder rids(List<String> v) { rids = v; return this; }
        public Builder ot(String v) { ot = v; return this; }
        public Builder rqet(String v) { rqet = v; return this; }
        public Builder rset(String v) { rset = v; return this; }
        public Builder oet(String v) { oet = v; return this; }
        public Builder rt(ResponseTypeInfo v) { rt = v; return this; }
        public Builder rp(String v) { rp = v; return this; }
        public Builder rcn(Integer v) { rcn = v; return this; }
        public Builder ec(Integer v) { ec = v; return this; }
        public Builder da(Boolean v) { da = v; return this; }
        public Builder gid(String v) { gid = v; return this; }
        public Builder fc(FilterCriteria v) { fc = v; return this; }
        public Builder drt(Integer v) { drt = v; return this; }
        public Builder tkns(List<String> v) { tkns = v; return this; }
        public Builder tids(List<String> v) { tids = v; return this; }
        public Builder ltids(List<String> v) { ltids = v; return this; }
        public Builder tqi(Boolean v) { tqi = v; return this; }
        public Builder grtm(List<String> v) { grtm = v; return this; }
        public Builder asi(Boolean v) { asi = v; return this; }
        public Builder aus(JsonNode v) { aus = v; return this; }
        public Builder auri(Boolean v) { auri = v; return this; }
        public Builder sqi(Boolean v) { sqi = v; return this; }
        public Builder rvi(String v) { rvi = v; return this; }
        public Builder vsi(String v) { vsi = v; return this; }
        public Builder extra(String name, JsonNode value) {
            if (extra == null) {
                extra = new LinkedHashMap<>();
            }
            extra.put(name, value);
            return this;
        }

        public RequestPrimitive build() {
            return new RequestPrimitive(op, to, fr, rqi, ty, pc, rids, ot, rqet, rset, oet, rt, rp, rcn, ec, da, gid,
                    fc, drt, tkns, tids, ltids, tqi, grtm, asi, aus, auri, sqi, rvi, vsi, extra);
        }
    }
}
