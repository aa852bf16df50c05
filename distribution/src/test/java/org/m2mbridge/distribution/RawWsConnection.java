package org.m2mbridge.distribution;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bare WebSocket client (RFC 6455) on one blocking socket and no thread of its own, so a test can hold thousands
 * of real connections cheaply: the opening handshake, masked text frames out, text frames in (pings skipped).
 */
final class RawWsConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    RawWsConnection(URI ws, String subprotocol, int timeoutMillis) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String head = "GET " + (ws.getRawPath().isEmpty() ? "/" : ws.getRawPath()) + " HTTP/1.1\r\n"
                + "Host: " + ws.getHost() + ":" + ws.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readHead();
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + status);
        }
    }

    /** The response head up to the empty line; returns its status line. */
    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        return text.substring(0, text.indexOf("\r\n"));
    }

    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            throw new IOException("test messages stay below 64 KiB");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The next text message (unfragmented, as the bridge sends them); control frames are skipped. */
    String readText() throws IOException {
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            int opcode = b0 & 0x0F;
            if (opcode == 0x1) {
                return new String(payload, StandardCharsets.UTF_8);
            }
            if (opcode == 0x8) {
                throw new IOException("closed by the bridge");
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
