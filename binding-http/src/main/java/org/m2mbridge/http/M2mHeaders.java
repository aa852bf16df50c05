package org.m2mbridge.http;

/** oneM2M HTTP header names (TS-0009 6.4). Compared case-insensitively wherever they are read. */
final class M2mHeaders {
    static final String ORIGIN = "X-M2M-Origin";
    static final String RI = "X-M2M-RI";
    static final String RVI = "X-M2M-RVI";
    static final String RSC = "X-M2M-RSC";
    static final String GID = "X-M2M-GID";
    static final String RTU = "X-M2M-RTU";
    static final String OT = "X-M2M-OT";
    static final String RST = "X-M2M-RST";
    static final String RET = "X-M2M-RET";
    static final String OET = "X-M2M-OET";
    static final String EC = "X-M2M-EC";
    static final String CTS = "X-M2M-CTS";
    static final String CTO = "X-M2M-CTO";
    static final String ATI = "X-M2M-ATI";
    static final String VSI = "X-M2M-VSI";
    static final String AS = "X-M2M-AS";
    static final String ASRI = "X-M2M-ASRI";
    static final String AUTHORIZATION = "Authorization";
    static final String CONTENT_TYPE = "Content-Type";
    static final String ACCEPT = "Accept";

    private M2mHeaders() {
    }
}
