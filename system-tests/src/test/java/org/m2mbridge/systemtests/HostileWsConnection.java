package org.m2mbridge.systemtests;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that can leave a message unfinished (RFC 6455 5.4: FIN=0 frames that are
 * never followed by a final one), as an attacker would. After {@link #startReading()} a thread of its own reads
 * what the bridge sends, so the close frame is seen even when the bridge drops the socket right after it. Every
 * read and connect is bounded by a timeout; writes end when the bridge closes the socket.
 */
final class HostileWsConnection implements AutoCloseable {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;

    /** How the bridge ended the connection: its close code, 0 for a socket closed without a close frame. */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private HostileWsConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code local} (any address of 127/8 on Linux) and upgrades with {@code subprotocol}. */
    static HostileWsConnection open(URI ws, InetAddress local, String subprotocol) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(local, 0));
            s.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 10_000);
            s.setSoTimeout(30_000);
            s.setTcpNoDelay(true);
            HostileWsConnection c = new HostileWsConnection(s);
            c.upgrade(ws, subprotocol);
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void upgrade(URI ws, String subprotocol) throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String head = "GET / HTTP/1.1\r\nHost: " + ws.getHost() + ":" + ws.getPort() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        while (!response.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the handshake: " + response);
            }
            response.write(b);
        }
        if (!response.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + response);
        }
    }

    /** One masked frame (RFC 6455 5.3). */
    void send(boolean fin, int opcode, byte[] payload) throws IOException {
        sendRaw(frame(fin, opcode, payload));
    }

    /**
     * A masked frame, built once and sent as often as wanted with {@link #sendRaw}: an attacker does not pick a
     * fresh masking key per frame, and the test's own CPU is better spent elsewhere on a 2-core machine.
     */
    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | opcode);
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
        ThreadLocalRandom.current().nextBytes(mask);
        f.writeBytes(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        f.writeBytes(masked);
        return f.toByteArray();
    }

    void sendRaw(byte[] frame) throws IOException {
        synchronized (out) { // the reader answers pings between the frames of the message
            out.write(frame);
            out.flush();
        }
    }

    /** The payload of the next data frame (a whole unfragmented message, as the bridge sends them). */
    byte[] readMessage() throws IOException {
        while (true) {
            int b0 = read();
            int opcode = b0 & 0x0f;
            byte[] payload = payload();
            if (opcode == CLOSE) {
                throw new EOFException("closed " + code(payload));
            }
            if (opcode == TEXT || opcode == BINARY) {
                return payload;
            }
        }
    }

    /**
     * From now on a thread reads every frame until the close frame or the end of the socket, and answers pings as a
     * live client does (else the bridge closes with 1011 "pong timeout" at {@code ws.pingInterval}).
     */
    void startReading() {
        Thread reader = new Thread(null, this::readUntilClosed, "hostile-reader", 128 * 1024);
        reader.setDaemon(true);
        reader.start();
    }

    private void readUntilClosed() {
        try {
            socket.setSoTimeout(0); // the test bounds the wait on `closed`
            while (true) {
                int opcode = read() & 0x0f;
                byte[] payload = payload();
                if (opcode == CLOSE) {
                    closed.complete(code(payload));
                    return;
                }
                if (opcode == PING) {
                    sendRaw(frame(true, PONG, payload));
                }
            }
        } catch (IOException e) {
            closed.complete(0);
        }
    }

    private byte[] payload() throws IOException {
        long len = read() & 0x7f;
        if (len == 126) {
            len = (read() << 8) | read();
        } else if (len == 127) {
            len = ByteBuffer.wrap(in.readNBytes(8)).getLong();
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("frame cut short");
        }
        return payload;
    }

    private static int code(byte[] closePayload) {
        return closePayload.length >= 2 ? ((closePayload[0] & 0xff) << 8) | (closePayload[1] & 0xff) : 1005;
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
