package org.m2mbridge.ws.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WebSocket server that freezes (a CSE stopped with SIGSTOP, or hung): it accepts TCP connections and then either
 * never answers the upgrade, or answers it (101, {@code oneM2M.json}) and then never reads or answers a frame.
 */
final class FrozenWsServer implements AutoCloseable {
    private final ServerSocket server;
    private final boolean upgrade;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** {@code upgrade}: answer the opening handshake before freezing. */
    FrozenWsServer(boolean upgrade) throws IOException {
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.upgrade = upgrade;
        this.acceptor = new Thread(this::acceptLoop, "frozen-ws-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "ws://127.0.0.1:" + server.getLocalPort() + "/";
    }

    /** Connections accepted so far. */
    int connections() {
        return accepted.size();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket s = server.accept();
                accepted.add(s);
                if (upgrade) {
                    s.setSoTimeout(10_000);
                    String key = upgradeKey(s.getInputStream());
                    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + acceptFor(key)
                            + "\r\nSec-WebSocket-Protocol: oneM2M.json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                }
                // from here on: nothing read, nothing written, until closed
            }
        } catch (IOException closed) {
            // close() ends the loop
        }
    }

    /** RFC 6455 4.2.2: what the server answers for {@code key}. */
    static String acceptFor(String key) {
        try {
            byte[] sha1 = java.security.MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return java.util.Base64.getEncoder().encodeToString(sha1);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String upgradeKey(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed inside the upgrade request");
            }
            head.write(c);
        }
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        throw new IOException("no Sec-WebSocket-Key");
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
