package org.m2mbridge.ws.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.m2mbridge.core.config.WsUpstreamSettings;

/**
 * Opens the TCP path to a WebSocket server: directly, or through an HTTP proxy with
 * {@code CONNECT host:port HTTP/1.1} (TS-0020 7.6, P1; RFC 9110 9.3.6) and optional {@code Proxy-Authorization:
 * Basic} (RFC 7617). Done by hand because neither the JDK client (Basic is disabled for tunnels by default) nor
 * Undertow's client (no Proxy-Authorization at all, stack-notes 1.1) can send proxy credentials.
 */
final class ProxyTunnel {
    private static final int MAX_HEAD_BYTES = 8192;

    private ProxyTunnel() {
    }

    /** A connected socket to {@code host:port}, tunnelled through {@code proxy} when given. */
    static Socket open(String host, int port, WsUpstreamSettings.Proxy proxy, int timeoutMs) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMs);
            if (proxy == null) {
                socket.connect(new InetSocketAddress(host, port), timeoutMs);
                return socket;
            }
            URI p = proxy.uri();
            socket.connect(new InetSocketAddress(p.getHost(), p.getPort()), timeoutMs);
            String authority = authority(host, port);
            StringBuilder head = new StringBuilder()
                    .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(authority).append("\r\n");
            if (proxy.username() != null) {
                String token = Base64.getEncoder().encodeToString(
                        (proxy.username() + ":" + proxy.password()).getBytes(StandardCharsets.UTF_8));
                head.append("Proxy-Authorization: Basic ").append(token).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            HttpHead answer = HttpHead.read(socket.getInputStream(), MAX_HEAD_BYTES);
            if (answer.status() / 100 != 2) {
                throw new ProxyRefusedException("proxy refused CONNECT " + authority + ": " + answer.statusLine());
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The proxy answered CONNECT with something else than 2xx (e.g. 407: credentials missing or wrong). */
    static final class ProxyRefusedException extends IOException {
        ProxyRefusedException(String message) {
            super(message);
        }
    }

    static String authority(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
