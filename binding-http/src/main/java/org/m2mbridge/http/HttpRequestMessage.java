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

    /**
     * Header names compare case-insensitively (TS-0009 5: a receiver accepts any casing). A map that already
     * compares so (built by {@link #newHeaders()}) is taken as it is: no second copy per exchange.
     */
    static Map<String, String> caseInsensitive(Map<String, String> headers) {
        if (headers instanceof TreeMap<String, String> t && t.comparator() == String.CASE_INSENSITIVE_ORDER) {
            return t;
        }
        TreeMap<String, String> h = newHeaders();
        h.putAll(headers);
        return h;
    }

    /** An empty header map whose names compare case-insensitively. */
    static TreeMap<String, String> newHeaders() {
        return new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
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
