package org.m2mbridge.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Best-effort reading of one short string parameter ({@code rqi}, {@code rvi}) from bytes that did not decode,
 * so the 4000 answer can still carry the rqi (TS-0004 6.4.2: the response copies the request's rqi). A plain
 * bounded byte scan, no regular expressions: it looks at the first {@link #WINDOW} bytes only and accepts
 * values of at most {@link #MAX_VALUE} printable characters.
 */
final class RequestIdScan {
    static final int WINDOW = 64 * 1024;
    static final int MAX_VALUE = 256;

    /** How a serialization spells "key, then a string value". */
    enum Format { JSON, CBOR, XML }

    private RequestIdScan() {
    }

    static Optional<String> find(Format format, byte[] b, String key) {
        try {
            return Optional.ofNullable(switch (format) {
                case JSON -> json(b, key);
                case CBOR -> cbor(b, key);
                case XML -> xml(b, key);
            });
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code "key" : "value"} with no escapes in the value. */
    private static String json(byte[] b, String key) {
        byte[] needle = ('"' + key + '"').getBytes(StandardCharsets.US_ASCII);
        int end = Math.min(b.length, WINDOW);
        for (int at = indexOf(b, needle, 0, end); at >= 0; at = indexOf(b, needle, at + 1, end)) {
            int i = skipSpaces(b, at + needle.length, end);
            if (i < end && b[i] == ':') {
                i = skipSpaces(b, i + 1, end);
                if (i < end && b[i] == '"') {
                    String v = value(b, i + 1, end, (byte) '"');
                    if (v != null) {
                        return v;
                    }
                }
            }
        }
        return null;
    }

    /** Text-string key (major type 3, TS-0004 8.5) followed by a short text-string value. */
    private static String cbor(byte[] b, String key) {
        byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        byte[] needle = new byte[k.length + 1];
        needle[0] = (byte) (0x60 + k.length);
        System.arraycopy(k, 0, needle, 1, k.length);
        int end = Math.min(b.length, WINDOW);
        for (int at = indexOf(b, needle, 0, end); at >= 0; at = indexOf(b, needle, at + 1, end)) {
            int i = at + needle.length;
            if (i >= end) {
                return null;
            }
            int head = b[i] & 0xff;
            int len;
            if (head >= 0x60 && head <= 0x77) {
                len = head - 0x60;
                i++;
            } else if (head == 0x78 && i + 1 < end) {
                len = b[i + 1] & 0xff;
                i += 2;
            } else {
                continue;
            }
            if (len <= MAX_VALUE && i + len <= end) {
                return new String(b, i, len, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** {@code <key>value</key>}. */
    private static String xml(byte[] b, String key) {
        byte[] needle = ('<' + key + '>').getBytes(StandardCharsets.US_ASCII);
        int end = Math.min(b.length, WINDOW);
        int at = indexOf(b, needle, 0, end);
        return at < 0 ? null : value(b, at + needle.length, end, (byte) '<');
    }

    private static String value(byte[] b, int from, int end, byte terminator) {
        for (int i = from; i < end && i - from <= MAX_VALUE; i++) {
            int c = b[i] & 0xff;
            if (c == terminator) {
                return new String(b, from, i - from, StandardCharsets.UTF_8);
            }
            if (c < 0x20 || c == '\\') {
                return null;
            }
        }
        return null;
    }

    private static int skipSpaces(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static int indexOf(byte[] b, byte[] needle, int from, int end) {
        outer:
        for (int i = from; i <= end - needle.length; i++) {
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
