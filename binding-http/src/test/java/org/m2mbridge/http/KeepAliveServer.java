package org.m2mbridge.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP/1.1 upstream CSE on a raw ServerSocket that closes a keep-alive connection after it has been idle
 * for {@code keepAliveMs} (as Werkzeug, Express and nginx do), answering POST 201/2001 and anything else 200/2000.
 * {@link #closeIdleConnections()} fires that timeout on demand, so a test controls WHEN the upstream drops the
 * client's pooled connections (a clock-driven timeout also fires mid-burst on a loaded machine, where a POST racing
 * the close is rightly not retried and the test would measure the machine's load, not the bridge).
 * Counts connections so a test can wait until every idle one was closed by the server.
 */
final class KeepAliveServer implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "keepalive-server");
        t.setDaemon(true);
        return t;
    });
    private final int keepAliveMs;
    /** Every open connection, from accept on. */
    private final java.util.Set<Socket> all = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Connections between reading a request head and handing its answer to the socket. */
    private final java.util.Set<Socket> busy = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    private final boolean announce;

    /** @param announce send {@code Keep-Alive: timeout=<seconds>} as Node and Apache do */
    KeepAliveServer(int keepAliveMs, boolean announce) throws IOException {
        this.keepAliveMs = keepAliveMs;
        this.announce = announce;
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                all.add(s); // idle from here on: a connection its serving thread has not picked up yet is idle too
                opened.incrementAndGet();
                open.incrementAndGet();
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            // The keep-alive timeout applies between requests; a new connection gets longer for its first one
            // (as real servers have a separate request/header timeout), so a busy test JVM is not mistaken for idle.
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                busy.add(s);
                if (head == null) {
                    return; // idle longer than the keep-alive timeout, or the client closed
                }
                String method = head.substring(0, head.indexOf(' '));
                int length = Integer.parseInt(header(head, "content-length", "0"));
                in.readNBytes(length);
                requests.incrementAndGet();
                boolean post = method.equals("POST");
                String body = post ? "{\"m2m:cin\":{\"con\":\"x\",\"ty\":4}}" : "{\"m2m:cnt\":{\"rn\":\"data\"}}";
                String answer = (post ? "HTTP/1.1 201 Created\r\nX-M2M-RSC: 2001\r\n" : "HTTP/1.1 200 OK\r\nX-M2M-RSC: 2000\r\n")
                        + "X-M2M-RI: " + header(head, "x-m2m-ri", "") + "\r\nContent-Type: application/json\r\n"
                        + (announce ? "Keep-Alive: timeout=" + keepAliveMs / 1000 + "\r\n" : "")
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
                busy.remove(s); // idle again once the answer is the kernel's: the client may already have it
                out.write(answer.getBytes(StandardCharsets.UTF_8));
                out.flush();
                s.setSoTimeout(keepAliveMs);
            }
        } catch (IOException e) {
            // connection ended
        } finally {
            busy.remove(s);
            all.remove(s);
            open.decrementAndGet();
        }
    }

    /**
     * Closes every connection that is not in the middle of a request, as the keep-alive timeout would. Counted
     * from accept, not from when a serving thread starts reading: a connection the client opened at the end of
     * a burst and never used is idle as well (missing it left one open for the whole first-request timeout).
     */
    void closeIdleConnections() {
        for (Socket s : all) {
            if (busy.contains(s)) {
                continue;
            }
            try {
                s.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    /** The request head, or null when the connection was idle too long or closed before a request began. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c;
            try {
                c = in.read();
            } catch (SocketTimeoutException | java.net.SocketException e) {
                if (b.size() == 0) { // idle timeout, or closed by closeIdleConnections()
                    return null;
                }
                throw e;
            }
            if (c < 0) {
                return null;
            }
            b.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static String header(String head, String name, String dflt) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return dflt;
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
