package org.m2mbridge.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny HTTP CONNECT proxy (RFC 9110 9.3.6) on a loopback ephemeral port, for tests: records each request line,
 * optionally demands {@code Proxy-Authorization: Basic}, answers 200 and pumps bytes both ways. {@link #killAll()}
 * cuts every tunnel at once, like a NAT box dropping state.
 */
public final class TestConnectProxy implements AutoCloseable {
    public final List<String> requestLines = new CopyOnWriteArrayList<>();
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final String requiredAuthorization;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    /** {@code user}/{@code password} null: no authentication asked. */
    public TestConnectProxy(String user, String password) throws IOException {
        this.requiredAuthorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread(this::acceptLoop, "test-proxy-accept").start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public int tunnels() {
        return sockets.size() / 2;
    }

    public void killAll() {
        sockets.forEach(TestConnectProxy::closeQuietly);
        sockets.clear();
    }

    @Override
    public void close() {
        closeQuietly(server);
        killAll();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                thread(() -> serve(client), "test-proxy-conn").start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            client.setSoTimeout(5000);
            List<String> head = readHead(client.getInputStream());
            String line = head.isEmpty() ? "" : head.get(0);
            requestLines.add(line);
            String auth = head.stream().skip(1).filter(h -> h.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:"))
                    .map(h -> h.substring(h.indexOf(':') + 1).trim()).findFirst().orElse(null);
            if (auth != null) {
                authorizations.add(auth);
            }
            OutputStream out = client.getOutputStream();
            String[] parts = line.split(" ");
            if (parts.length != 3 || !parts[0].equals("CONNECT")) {
                out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                client.close();
                return;
            }
            if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                client.close();
                return;
            }
            int colon = parts[1].lastIndexOf(':');
            Socket target = new Socket();
            target.connect(new InetSocketAddress(parts[1].substring(0, colon),
                    Integer.parseInt(parts[1].substring(colon + 1))), 5000);
            client.setSoTimeout(0);
            sockets.add(client);
            sockets.add(target);
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            thread(() -> pump(target, client), "test-proxy-down").start();
            pump(client, target);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away: tear the tunnel down
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    /** The lines of an HTTP head up to the blank line, consuming nothing after it. */
    public static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                String l = line.toString(StandardCharsets.ISO_8859_1).replaceFirst("\r$", "");
                if (l.isEmpty()) {
                    return lines;
                }
                lines.add(l);
                line.reset();
            } else {
                line.write(b);
            }
        }
        return lines;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // test teardown
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
