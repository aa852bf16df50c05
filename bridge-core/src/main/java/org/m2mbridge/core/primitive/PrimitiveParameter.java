package org.m2mbridge.core.primitive;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of request and response primitive parameters (TS-0004 6.4.1, 6.4.2; short names TS-0004 8.2.2,
 * table 8.2.2-1; docs/spec/primitives.md): short name, value type, which primitive carries it, where TS-0009 puts
 * it in HTTP (a header of TS-0009 6.4 or a query name of TS-0009 table 6.2.2.2-1), and how to read and set it on
 * {@link RequestPrimitive} / {@link ResponsePrimitive}. The JSON, CBOR and XML codecs and the HTTP mapping are
 * driven by it instead of listing the names themselves.
 *
 * <p>Declaration order is the request's XSD order (TS-0004 8.2.2), which the codecs write; {@link #response()}
 * gives the response's. Lookups by name go through a map built once: no per-call allocation.
 */
public enum PrimitiveParameter {
    OP("op", Type.OPERATION, Side.REQUEST, Http.METHOD, null),
    TO("to", Type.STRING, Side.BOTH, Http.PATH, null),
    FR("fr", Type.STRING, Side.BOTH, Http.HEADER, "X-M2M-Origin"),
    RQI("rqi", Type.STRING, Side.BOTH, Http.HEADER, "X-M2M-RI"),
    /** In HTTP the {@code ty} parameter of Content-Type, on CREATE only (TS-0009 6.4.3; docs/spec/http.md HTTP-Q-2). */
    TY("ty", Type.INTEGER, Side.REQUEST, Http.CONTENT_TYPE, "ty"),
    PC("pc", Type.CONTENT, Side.BOTH, Http.BODY, null),
    RIDS("rids", Type.STRING_LIST, Side.REQUEST, Http.QUERY, "rids"),
    OT("ot", Type.STRING, Side.BOTH, Http.HEADER, "X-M2M-OT"),
    RQET("rqet", Type.STRING, Side.REQUEST, Http.HEADER, "X-M2M-RET"),
    RSET("rset", Type.STRING, Side.BOTH, Http.HEADER, "X-M2M-RST"),
    OET("oet", Type.STRING, Side.REQUEST, Http.HEADER, "X-M2M-OET"),
    /** {@code rt.rtv} is the query name {@code rt}; {@code rt.nu} travels in {@link #RT_NU_HEADER}. */
    RT("rt", Type.RESPONSE_TYPE, Side.REQUEST, Http.QUERY, "rt"),
    RP("rp", Type.STRING, Side.REQUEST, Http.QUERY, "rp"),
    RCN("rcn", Type.INTEGER, Side.REQUEST, Http.QUERY, "rcn"),
    EC("ec", Type.INTEGER, Side.BOTH, Http.HEADER, "X-M2M-EC"),
    DA("da", Type.BOOLEAN, Side.REQUEST, Http.QUERY, "da"),
    GID("gid", Type.STRING, Side.REQUEST, Http.HEADER, "X-M2M-GID"),
    /** Its members travel as query names of their own ({@link FilterCriteria.Member}, TS-0009 table 6.2.2.2-1). */
    FC("fc", Type.FILTER_CRITERIA, Side.REQUEST, Http.QUERY, null),
    DRT("drt", Type.INTEGER, Side.REQUEST, Http.QUERY, "drt"),
    /** Tokens: the {@code Authorization} header, {@code +}-joined (TS-0009 6.4). */
    TKNS("tkns", Type.STRING_LIST, Side.REQUEST, Http.HEADER, "Authorization"),
    TIDS("tids", Type.STRING_LIST, Side.REQUEST, Http.QUERY, "tids"),
    LTIDS("ltids", Type.STRING_LIST, Side.REQUEST, Http.QUERY, "ltids"),
    TQI("tqi", Type.BOOLEAN, Side.REQUEST, Http.QUERY, "tqi"),
    /** No HTTP form in TS-0009: not carried over HTTP. */
    GRTM("grtm", Type.STRING_LIST, Side.REQUEST, Http.NONE, null),
    ASI("asi", Type.BOOLEAN, Side.REQUEST, Http.QUERY, "asi"),
    AUS("aus", Type.OBJECT_LIST, Side.REQUEST, Http.HEADER, "X-M2M-AS"),
    AURI("auri", Type.BOOLEAN, Side.REQUEST, Http.QUERY, "auri"),
    SQI("sqi", Type.BOOLEAN, Side.REQUEST, Http.QUERY, "sqi"),
    RVI("rvi", Type.STRING, Side.BOTH, Http.HEADER, "X-M2M-RVI"),
    VSI("vsi", Type.STRING, Side.BOTH, Http.HEADER, "X-M2M-VSI"),

    // Response-only parameters (TS-0004 6.4.2).
    /** Also the HTTP status class (TS-0009 table 6.3.2-1, {@link ResponseStatusCode#httpStatusOf}). */
    RSC("rsc", Type.STATUS, Side.RESPONSE, Http.HEADER, "X-M2M-RSC"),
    CNST("cnst", Type.INTEGER, Side.RESPONSE, Http.HEADER, "X-M2M-CTS"),
    CNOT("cnot", Type.INTEGER, Side.RESPONSE, Http.HEADER, "X-M2M-CTO"),
    ATI("ati", Type.NODE, Side.RESPONSE, Http.HEADER, "X-M2M-ATI"),
    /** No HTTP form in TS-0009: not carried over HTTP. */
    TQF("tqf", Type.NODE, Side.RESPONSE, Http.NONE, null),
    ASRI("asri", Type.BOOLEAN, Side.RESPONSE, Http.HEADER, "X-M2M-ASRI");

    /** {@code rt.nu}: notification targets of a non-blocking asynchronous request, {@code &}-joined (TS-0009 6.4). */
    public static final String RT_NU_HEADER = "X-M2M-RTU";

    /** The value a parameter holds, as the codecs read and write it. */
    public enum Type {
        /** {@link Operation}, a number on the wire. */
        OPERATION,
        /** {@code rsc}: a number kept as an int so unknown codes pass through. */
        STATUS,
        STRING,
        INTEGER,
        BOOLEAN,
        STRING_LIST,
        /** {@code aus}: a list of structured values, kept as a tree. */
        OBJECT_LIST,
        /** {@code pc}: a resource or notification, normalised by short name. */
        CONTENT,
        /** A structured value kept exactly as received ({@code ati}, {@code tqf}). */
        NODE,
        /** {@link ResponseTypeInfo}: {@code rtv} and {@code nu}. */
        RESPONSE_TYPE,
        /** {@link FilterCriteria}. */
        FILTER_CRITERIA
    }

    /** Which primitive carries a parameter (TS-0004 6.4.1 request, 6.4.2 response). */
    public enum Side { REQUEST, RESPONSE, BOTH }

    /** Where TS-0009 puts a parameter in an HTTP message. */
    public enum Http {
        /** The method (TS-0009 6.2.1). */
        METHOD,
        /** The request-target's path (TS-0009 6.2.2.1). */
        PATH,
        /** A parameter of Content-Type (TS-0009 6.4.3). */
        CONTENT_TYPE,
        /** The body (TS-0009 6.2.3, 6.3.3). */
        BODY,
        /** A header field (TS-0009 6.4). */
        HEADER,
        /** The query string (TS-0009 6.2.2.2). */
        QUERY,
        /** Not carried. */
        NONE
    }

    private static final Map<String, PrimitiveParameter> BY_NAME = new HashMap<>();
    private static final List<PrimitiveParameter> REQUEST;
    /** Response XSD order (TS-0004 8.2.2): {@code rsc} and {@code rqi} lead, unlike the request's. */
    private static final List<PrimitiveParameter> RESPONSE = List.of(RSC, RQI, PC, TO, FR, OT, RSET, EC, CNST, CNOT,
            ATI, TQF, ASRI, RVI, VSI);

    static {
        for (PrimitiveParameter p : values()) {
            BY_NAME.put(p.shortName, p);
        }
        REQUEST = Arrays.stream(values()).filter(PrimitiveParameter::inRequest).toList();
        for (PrimitiveParameter p : values()) {
            if (p.inResponse() != RESPONSE.contains(p)) {
                throw new ExceptionInInitializerError("response order misses " + p);
            }
        }
    }

    private final String shortName;
    private final Type type;
    private final Side side;
    private final Http http;
    private final String httpName;

    PrimitiveParameter(String shortName, Type type, Side side, Http http, String httpName) {
        this.shortName = shortName;
        this.type = type;
        this.side = side;
        this.http = http;
        this.httpName = httpName;
    }


    /** The short name (TS-0004 table 8.2.2-1), the JSON/CBOR key and the XML element name. */
    public String shortName() {
        return shortName;
    }

    public Type type() {
        return type;
    }

    /** Where TS-0009 carries it. */
    public Http http() {
        return http;
    }

    /**
     * The header field name for {@link Http#HEADER}, the query name for {@link Http#QUERY}, the Content-Type
     * parameter for {@link Http#CONTENT_TYPE}; null otherwise.
     */
    public String httpName() {
        return httpName;
    }

    public boolean inRequest() {
        return side != Side.RESPONSE;
    }

    public boolean inResponse() {
        return side != Side.REQUEST;
    }

    /** The parameter named {@code shortName}, request or response. */
    public static Optional<PrimitiveParameter> of(String shortName) {
        return Optional.ofNullable(BY_NAME.get(shortName));
    }

    /** As {@link #of} without the Optional, for the codecs' per-member lookup: null when unknown. */
    public static PrimitiveParameter named(String shortName) {
        return BY_NAME.get(shortName);
    }

    /** The request's parameters in XSD order. */
    public static List<PrimitiveParameter> request() {
        return REQUEST;
    }

    /** The response's parameters in XSD order. */
    public static List<PrimitiveParameter> response() {
        return RESPONSE;
    }

    /** The value on {@code r}, null when absent; {@link Type} says its Java type. */
    public Object get(RequestPrimitive r) {
        return r.get(this);
    }

    /** The value on {@code r}, null when absent ({@code rsc} is boxed). */
    public Object get(ResponsePrimitive r) {
        return r.get(this);
    }

    /** Sets the value, of the Java type {@link Type} says (a {@code List<String>} for lists). */
    public void set(RequestPrimitive.Builder b, Object value) {
        b.set(this, value);
    }

    public void set(ResponsePrimitive.Builder b, Object value) {
        b.set(this, value);
    }
}
