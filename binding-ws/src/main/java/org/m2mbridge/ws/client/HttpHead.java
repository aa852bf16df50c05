package org.m2mbridge.ws.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The head of an HTTP/1.1 response (status line and header fields, RFC 9112 2), as a proxy answers CONNECT and a
 * WebSocket server answers the upgrade. Read byte by byte so nothing after the blank line is consumed: those bytes
 * are the tunnel's or the first WebSocket frame.
 */
record HttpHead(String statusLine, List<String[]> fields) {

    static HttpHead read(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside the HTTP response head");
            }
            if (++total > maxBytes) {
                throw new IOException("HTTP response head longer than " + maxBytes + " bytes");
            }
            if (b == '\n') {
                String l = line.toString(StandardCharsets.ISO_8859_1);
                l = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
                if (l.isEmpty()) {
                    break;
                }
                lines.add(l);
                line.reset();
            } else {
                line.write(b);
            }
        }
        if (lines.isEmpty()) {
            throw new IOException("empty HTTP response head");
        }
        List<String[]> fields = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                fields.add(new String[] {l.substring(0, colon).trim(), l.substring(colon + 1).trim()});
            }
        }
        return new HttpHead(lines.get(0), List.copyOf(fields));
    }

    int status() {
        String[] parts = statusLine.split(" ", 3);
        try {
            return parts.length < 2 ? -1 : Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** First value of a header field, name compared case-insensitively (RFC 9110 5.1). */
    Optional<String> field(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return fields.stream().filter(f -> f[0].toLowerCase(Locale.ROOT).equals(n)).map(f -> f[1]).findFirst();
    }
}
