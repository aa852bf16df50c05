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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An RFC 6455 client written by hand on a plain socket, so tests control every header and every frame bit
 * (opcodes, fragmentation, RSV1, invalid UTF-8) and see the server's bytes exactly. Frames it sends are masked
 * (RFC 6455 5.3). Every connect and read is bounded by a timeout so no test can hang. It is also the attacker of
 * the system tests (binding-ws test-jar): a message left unfinished (RFC 6455 5.4, FIN=0 frames never followed by
 * a final one), with a reader thread of its own ({@link #startReading()}) that sees the close frame even when the
 * bridge drops the socket right after it.
 */
public final class RawWsClient implements AutoCloseable {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

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
    private static final int TIMEOUT_MS = 5000;
    /** A busy 2-core machine with hundreds of attackers (system tests) answers slower than one test connection. */
    private static final int ATTACK_CONNECT_MS = 10_000;
    private static final int ATTACK_READ_MS = 30_000;

    /** How the server ended the connection once {@link #startReading()} runs: its close code, 0 without a frame. */
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** The read timeout reads go back to after a shorter or longer one of their own. */
    private final int readTimeoutMs;
    /** Answer server pings automatically while reading messages (a live client); off to test the pong timeout. */
    volatile boolean answerPings = true;

    private RawWsClient(Socket socket, int readTimeoutMs) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.readTimeoutMs = readTimeoutMs;
    }

    static RawWsClient connect(URI uri) throws IOException {
        return connect(uri, null);
    }

    /** From local address {@code local} (e.g. 127.0.0.2: Linux routes all of 127/8 to loopback), if not null. */
    static RawWsClient connect(URI uri, java.net.InetAddress local) throws IOException {
        return connect(uri, local, TIMEOUT_MS, TIMEOUT_MS);
    }

    private static RawWsClient connect(URI uri, java.net.InetAddress local, int connectMs, int readMs)
            throws IOException {
        Socket s = new Socket();
        try {
            if (local != null) {
                s.bind(new InetSocketAddress(local, 0));
            }
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), connectMs);
            s.setSoTimeout(readMs);
            s.setTcpNoDelay(true);
            return new RawWsClient(s, readMs);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Connects from {@code local} (any address of 127/8 on Linux) and upgrades with {@code subprotocol}, with the
     * longer timeouts of a load test; throws unless the server switched protocols (101).
     */
    public static RawWsClient open(URI ws, java.net.InetAddress local, String subprotocol) throws IOException {
        RawWsClient c = connect(ws, local, ATTACK_CONNECT_MS, ATTACK_READ_MS);
        try {
            HttpHead head = c.upgrade(subprotocol);
            if (head.status() != 101) {
                throw new IOException("upgrade refused: " + head.statusLine() + " " + head.body());
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Over TLS with {@code protocols} enabled; the TLS handshake is done (or has thrown) when this returns. */
    static RawWsClient connectTls(URI uri, javax.net.ssl.SSLContext tls, String... protocols) throws IOException {
        Socket tcp = new Socket();
        tcp.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), TIMEOUT_MS);
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                .createSocket(tcp, uri.getHost(), uri.getPort(), true);
        try {
            if (protocols.length > 0) {
                s.setEnabledProtocols(protocols);
            }
            s.setSoTimeout(TIMEOUT_MS);
            s.setTcpNoDelay(true);
            s.startHandshake(); // on TLS 1.3 a refused client certificate shows only at the first read
            return new RawWsClient(s, TIMEOUT_MS);
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
        sendRaw(frame(fin, rsv1, opcode, payload));
    }

    /** One masked frame without RSV bits (RFC 6455 5.3). */
    public void send(boolean fin, int opcode, byte[] payload) throws IOException {
        sendFrame(fin, false, opcode, payload);
    }

    /**
     * A masked frame, built once and sent as often as wanted with {@link #sendRaw}: an attacker does not pick a
     * fresh masking key per frame, and the test's own CPU is better spent elsewhere on a 2-core machine.
     */
    public static byte[] frame(boolean fin, int opcode, byte[] payload) {
        return frame(fin, false, opcode, payload);
    }

    private static byte[] frame(boolean fin, boolean rsv1, int opcode, byte[] payload) {
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
        byte[] mask = new byte[4]; // a mask need not be secure (RFC 6455 10.3 is about proxies, not tests)
        ThreadLocalRandom.current().nextBytes(mask);
        f.writeBytes(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        f.writeBytes(masked);
        return f.toByteArray();
    }

    /** Bytes exactly as given: hand-made frame headers (unmasked, unknown opcodes, reserved bits). */
    public void sendRaw(byte[] bytes) throws IOException {
        synchronized (out) { // a reader thread answers pings between the frames of a message
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
                socket.setSoTimeout(readTimeoutMs);
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

    /** The payload of the next data message (unfragmented, as the bridge sends them); a close frame throws. */
    public byte[] readData() throws IOException {
        Frame f = readMessage();
        if (f.opcode() == CLOSE) {
            throw new EOFException("closed " + f.closeCode());
        }
        return f.payload();
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
            socket.setSoTimeout(readTimeoutMs);
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
            socket.setSoTimeout(readTimeoutMs);
        }
    }

    /**
     * From now on a thread reads every frame until the close frame or the end of the socket, and answers pings as a
     * live client does (else the bridge closes with 1011 "pong timeout" at {@code ws.pingInterval}); the outcome is
     * {@link #closed()}.
     */
    public void startReading() {
        Thread reader = new Thread(null, this::readUntilClosed, "raw-ws-reader", 128 * 1024);
        reader.setDaemon(true);
        reader.start();
    }

    /** The close code the server sent once {@link #startReading()} runs, 0 for a socket closed without one. */
    public CompletableFuture<Integer> closed() {
        return closed;
    }

    private void readUntilClosed() {
        try {
            socket.setSoTimeout(0); // the test bounds the wait on `closed`
            while (true) {
                Frame f = readMessage();
                if (f.opcode() == CLOSE) {
                    closed.complete(f.closeCode());
                    return;
                }
            }
        } catch (IOException e) {
            closed.complete(0);
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
