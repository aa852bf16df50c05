package org.m2mbridge.http;

import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request as the mapping sees it, independent of the HTTP library: method, request-target (path and
 * query, as on the wire), headers (one value each, names case-insensitive) and body.
 */
record HttpRequestMessage(String method, String target, Map<String, String> headers, byte[] body) {

    HttpRequestMessage {
        headers = HttpRequestMessage.caseInsensitive(headers);
        body = body == null ? new byte[0] : body;
    }

    /** Header names compare case-insensitively (TS-0009 5: a receiver accepts any casing). */
    static Map<String, String> caseInsensitive(Map<String, String> headers) {
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        return h;
    }

    String header(String name) {
        return headers.get(name);
    }

    String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    String rawQuery() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }
}
