package org.m2mbridge.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The request-target path for a {@code to} and back (TS-0009 6.2.2.1): CSE-relative {@code x} is {@code /x},
 * SP-relative {@code /x} is {@code /~/x}, absolute {@code //x} is {@code /_/x}. The one place that knows this rule.
 */
final class TargetPath {
    private TargetPath() {
    }

    /** Path (percent-encoded where needed) for {@code to}; a {@code #attr} suffix must already be removed. */
    static String pathOf(String to) {
        String raw;
        if (to == null || to.isEmpty()) {
            raw = "/";
        } else if (to.startsWith("//")) {
            raw = "/_" + to.substring(1);
        } else if (to.startsWith("/")) {
            raw = "/~" + to;
        } else {
            raw = "/" + to;
        }
        return encode(raw);
    }

    /**
     * The {@code to} a (percent-decoded) request path addresses. A path without a leading slash is taken as
     * CSE-relative: tinyIoT sends such request-targets in its notifications.
     */
    static String toOf(String path) {
        if (path.startsWith("/~/")) {
            return path.substring(2);
        }
        if (path.startsWith("/_/")) {
            return "/" + path.substring(2);
        }
        return path.startsWith("/") ? path.substring(1) : path;
    }

    /** Percent-encodes what is not allowed in a path (RFC 3986 pchar) except the separating slashes. */
    static String encode(String raw) {
        return percentEncode(raw, "-._~!$&'()*+,;=:@/");
    }

    /** UTF-8 percent-encoding of every character that is neither alphanumeric nor in {@code allowed}. */
    static String percentEncode(String s, String allowed) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || allowed.indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** Decodes %XX escapes; a '+' stays a '+' (it is only special in query strings). Malformed: as is. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
