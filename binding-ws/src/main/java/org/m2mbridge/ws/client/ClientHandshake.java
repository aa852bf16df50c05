package org.m2mbridge.ws.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The client side of the opening handshake (TS-0020 7.2.2, RFC 6455 4.1): {@code GET <path> HTTP/1.1} with Host
 * naming the WS server even through a proxy (C12), the offered subprotocols in preference order (C8, C10), and
 * optionally ACME's {@code X-M2M-Origin}. Checks the 101 answer: accept key (S4) and a subprotocol that was offered
 * (S5; compared case-insensitively, as TS-0020 itself spells names inconsistently, 7.2.2.7).
 */
final class ClientHandshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_HEAD_BYTES = 16384;

    /** The server answered, but not with a valid upgrade for us. */
    static final class RefusedException extends IOException {
        RefusedException(String message) {
            super(message);
        }
    }

    private ClientHandshake() {
    }

    /** Runs the handshake on {@code socket}; returns the subprotocol the server selected. */
    static String run(Socket socket, String hostHeader, String path, List<String> subprotocols, String origin)
            throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        StringBuilder head = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n")
                .append("Sec-WebSocket-Protocol: ").append(String.join(", ", subprotocols)).append("\r\n");
        if (origin != null && !origin.isBlank()) {
            head.append("X-M2M-Origin: ").append(origin).append("\r\n");
        }
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();

        HttpHead answer = HttpHead.read(socket.getInputStream(), MAX_HEAD_BYTES);
        if (answer.status() != 101) {
            throw new RefusedException("upgrade refused: " + answer.statusLine());
        }
        String accept = answer.field("Sec-WebSocket-Accept").orElse("");
        if (!accept.equals(acceptFor(key))) {
            throw new RefusedException("wrong Sec-WebSocket-Accept '" + accept + "'");
        }
        if (answer.field("Sec-WebSocket-Extensions").isPresent()) { // none offered, so none may be answered
            throw new RefusedException("server answered extensions that were not offered");
        }
        String selected = answer.field("Sec-WebSocket-Protocol").orElse("");
        return subprotocols.stream().filter(s -> s.equalsIgnoreCase(selected)).findFirst()
                .orElseThrow(() -> new RefusedException("server selected subprotocol '" + selected
                        + "', not one of " + subprotocols));
    }

    static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

}
