package org.m2mbridge.bench;

import java.nio.charset.StandardCharsets;

/**
 * The load tool's fast path for JSON answers: {@code rqi} and {@code rsc} read by a byte scan instead of a full
 * decode, so the tool's CPU (it shares the machine's cores with the bridge) goes into sockets. Anything it does
 * not recognise (a request such as a NOTIFY, an escaped or unusually spelled value) goes to the real codec.
 *
 * @param rqi the request identifier
 * @param rsc the status code, or {@link Measurement#ECHO} for an echoed request
 */
record JsonAnswerScan(String rqi, int rsc) {
    private static final byte[] RQI = "\"rqi\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RSC = "\"rsc\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OP = "\"op\":".getBytes(StandardCharsets.US_ASCII);

    /** Null when the bytes need the real codec. */
    static JsonAnswerScan of(byte[] b, boolean echo) {
        int r = indexOf(b, RQI, 0);
        if (r < 0 || r + RQI.length + RequestTemplates.RQI_WIDTH >= b.length
                || b[r + RQI.length + RequestTemplates.RQI_WIDTH] != '"') {
            return null;
        }
        String rqi = new String(b, r + RQI.length, RequestTemplates.RQI_WIDTH, StandardCharsets.US_ASCII);
        if (echo) {
            return new JsonAnswerScan(rqi, Measurement.ECHO);
        }
        if (indexOf(b, OP, 0) >= 0) {
            return null;
        }
        int s = indexOf(b, RSC, 0);
        if (s < 0) {
            return null;
        }
        int rsc = 0;
        int i = s + RSC.length;
        for (; i < b.length && b[i] >= '0' && b[i] <= '9'; i++) {
            rsc = rsc * 10 + (b[i] - '0');
        }
        return i == s + RSC.length ? null : new JsonAnswerScan(rqi, rsc);
    }

    private static int indexOf(byte[] b, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= b.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
