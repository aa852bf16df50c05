package org.m2mbridge.http;

import java.util.Map;

/** An HTTP response as the mapping sees it: status, headers (names case-insensitive, one value each), body. */
record HttpResponseMessage(int status, Map<String, String> headers, byte[] body) {

    HttpResponseMessage {
        headers = HttpRequestMessage.caseInsensitive(headers);
        body = body == null ? new byte[0] : body;
    }

    String header(String name) {
        return headers.get(name);
    }
}
