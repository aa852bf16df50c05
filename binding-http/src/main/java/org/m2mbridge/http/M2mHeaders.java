package org.m2mbridge.http;

import org.m2mbridge.core.primitive.PrimitiveParameter;

/**
 * HTTP header names the binding reads by name (TS-0009 6.4). The parameter headers come from the one table,
 * {@link PrimitiveParameter#httpName()}; {@link HeaderParameters} maps all of them. Compared case-insensitively
 * wherever they are read.
 */
final class M2mHeaders {
    static final String ORIGIN = PrimitiveParameter.FR.httpName();
    static final String RI = PrimitiveParameter.RQI.httpName();
    static final String RVI = PrimitiveParameter.RVI.httpName();
    static final String RSC = PrimitiveParameter.RSC.httpName();
    static final String CONTENT_TYPE = "Content-Type";
    static final String ACCEPT = "Accept";

    private M2mHeaders() {
    }
}
