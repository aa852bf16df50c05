package org.m2mbridge.ws;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An RFC 6455 client written by hand on a plain socket, so tests control every header and every frame bit
 * (opcodes, fragmentation, RSV1, invalid UTF-8) and see the server's bytes exactly. Frames it sends are masked
 * (RFC 6455 5.3). Reads time out after a few seconds so no test can hang.
 */
final class RawWsClient implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    record HttpHead(int status, String statusLine, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    record Frame(boolean fin, boolean rsv1, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** Answer server pings automatically while reading messages (a live client); off to test the pong timeout. */
    volatile boolean answerPings = true;

    private RawWsClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawWsClient connect(URI uri) throws IOException {
        return connect(uri, null);
    }

    /** From local address {@code local} (e.g. 127.0.0.2: Linux routes all of 127/8 to loopback), if not null. */
    static RawWsClient connect(URI uri, java.net.InetAddress local) throws IOException {
        Socket s = new Socket();
        if (local != null) {
            s.bind(new InetSocketAddress(local, 0));
        }
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        s.setSoTimeout(5000);
        s.setTcpNoDelay(true);
        return new RawWsClient(s);
    }

    /** Over TLS with {@code protocols} enabled; the TLS handshake is done (or has thrown) when this returns. */
    static RawWsClient connectTls(URI uri, javax.net.ssl.SSLContext tls, String... protocols) throws IOException {
        Socket tcp = new Socket();
        tcp.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                .createSocket(tcp, uri.getHost(), uri.getPort(), true);
        try {
            if (protocols.length > 0) {
                s.setEnabledProtocols(protocols);
            }
            s.setSoTimeout(5000);
            s.setTcpNoDelay(true);
            s.startHandshake(); // on TLS 1.3 a refused client certificate shows only at the first read
            return new RawWsClient(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Sends a handshake with the given extra header lines ({@code "Name: value"}), path {@code /}, version 13. */
    HttpHead handshake(String key, String... headerLines) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("Upgrade: websocket");
        lines.add("Connection: Upgrade");
        lines.add("Sec-WebSocket-Key: " + key);
        boolean hasVersion = false;
        for (String l : headerLines) {
            hasVersion |= l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-version:");
            lines.add(l);
        }
        if (!hasVersion) {
            lines.add("Sec-WebSocket-Version: 13");
        }
        return request("GET / HTTP/1.1", lines);
    }

    /** A handshake offering {@code subprotocols} (one header, comma list) with a random key. */
    HttpHead upgrade(String subprotocols, String... more) throws IOException {
        List<String> l = new ArrayList<>(List.of(more));
        l.add("Sec-WebSocket-Protocol: " + subprotocols);
        return handshake(randomKey(), l.toArray(String[]::new));
    }

    HttpHead request(String requestLine, List<String> headerLines) throws IOException {
        StringBuilder b = new StringBuilder(requestLine).append("\r\n");
        b.append("Host: ").append(socket.getInetAddress().getHostAddress()).append(':').append(socket.getPort())
                .append("\r\n");
        headerLines.forEach(l -> b.append(l).append("\r\n"));
        b.append("\r\n");
        out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return readHead();
    }

    private HttpHead readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed during the HTTP response head: " + head);
            }
            head.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
                    : (c == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
        }
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        String body = "";
        List<String> length = headers.get("content-length");
        if (status != 101 && length != null) {
            body = new String(in.readNBytes(Integer.parseInt(length.get(0))), StandardCharsets.UTF_8);
        }
        return new HttpHead(status, lines[0], headers, body);
    }

    void sendFrame(boolean fin, boolean rsv1, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        } else {
            f.write(0x80 | 127);
            f.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        f.writeBytes(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        f.writeBytes(masked);
        synchronized (out) {
            out.write(f.toByteArray());
            out.flush();
        }
    }

    /** Bytes exactly as given: hand-made frame headers (unmasked, unknown opcodes, reserved bits). */
    void sendRaw(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    /** True when the server closed the TCP connection (read end of stream, or reset) within {@code ms}. */
    boolean closedWithin(int ms) throws IOException {
        socket.setSoTimeout(ms);
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(5000);
            }
        }
    }

    void sendText(String text) throws IOException {
        sendFrame(true, false, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendBinary(byte[] bytes) throws IOException {
        sendFrame(true, false, BINARY, bytes);
    }

    Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (readByte() << 8) | readByte();
        } else if (len == 127) {
            len = ByteBuffer.wrap(in.readNBytes(8)).getLong();
        }
        if ((b1 & 0x80) != 0) {
            throw new IOException("server frames must not be masked (RFC 6455 5.1)");
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("frame cut short");
        }
        return new Frame((b0 & 0x80) != 0, (b0 & 0x40) != 0, b0 & 0x0f, payload);
    }

    /** The next data or close frame; pings are answered (or ignored when {@link #answerPings} is off). */
    Frame readMessage() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == PING) {
                if (answerPings) {
                    sendFrame(true, false, PONG, f.payload());
                }
                continue;
            }
            if (f.opcode() == PONG) {
                continue;
            }
            return f;
        }
    }

    String readText() throws IOException {
        Frame f = readMessage();
        if (f.opcode() != TEXT) {
            throw new IOException("expected a text frame, got opcode " + f.opcode() + " " + f.text());
        }
        return f.text();
    }

    /** Reads until a close frame arrives (within {@code timeoutMs}) and returns it. */
    Frame readClose(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        try {
            while (true) {
                Frame f = readMessage();
                if (f.opcode() == CLOSE) {
                    return f;
                }
            }
        } finally {
            socket.setSoTimeout(5000);
        }
    }

    /** True when nothing but pings arrives for {@code ms} and the socket is still open. */
    boolean quietFor(int ms) throws IOException {
        socket.setSoTimeout(ms);
        try {
            Frame f = readMessage();
            throw new IOException("unexpected frame opcode " + f.opcode() + ": " + f.text());
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(5000);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    static String randomKey() {
        byte[] k = new byte[16];
        RANDOM.nextBytes(k);
        return java.util.Base64.getEncoder().encodeToString(k);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
