package org.m2mbridge.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection on a plain socket, from a chosen loopback source address, for tests that need
 * to know which connection a request used (connection caps, idle and header timeouts). Every read is bounded.
 */
public final class RawHttpConnection implements AutoCloseable {
    private static final int READ_TIMEOUT_MS = 5_000;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code from} (port chosen by the system) to {@code to}. */
    public static RawHttpConnection open(InetAddress from, InetSocketAddress to) {
        try {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(from, 0));
            s.connect(to, READ_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            return new RawHttpConnection(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code GET path} and reads the answer's status line, headers and {@code Content-Length} body; returns the
     * status code, or -1 when the server closed or reset the connection instead of answering.
     */
    public int get(String path) {
        try {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: bridge\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readResponse();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer to GET " + path + " within " + READ_TIMEOUT_MS + " ms", e);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Reads a response without sending a request (one the server writes by itself); -1 if it closed instead. */
    public int awaitResponse() {
        try {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            return readResponse();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing from the server within " + READ_TIMEOUT_MS + " ms", e);
        } catch (IOException e) {
            return -1;
        }
    }

    private int readResponse() throws IOException {
        String head = readHead();
        if (head == null) {
            return -1;
        }
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        if (in.readNBytes(length).length < length) {
            return -1;
        }
        return Integer.parseInt(head.split(" ", 3)[1]);
    }

    /** The response head up to the empty line; null if the stream ended first. */
    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Waits up to {@code timeout} for the server to close the connection (end of stream or reset); returns how long
     * it took, or null if it is still open. Anything the server sends meanwhile is read and dropped.
     */
    public Duration awaitClosedByServer(Duration timeout) {
        long start = System.nanoTime();
        long end = start + timeout.toNanos();
        try {
            while (System.nanoTime() < end) {
                socket.setSoTimeout((int) Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
                try {
                    if (in.read() < 0) {
                        return Duration.ofNanos(System.nanoTime() - start);
                    }
                } catch (SocketTimeoutException e) {
                    // still open: keep waiting
                }
            }
            return null;
        } catch (IOException e) { // reset
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    /**
     * Writes {@code bytes} one byte per {@code interval} (the pause doubles as a bounded read for the server's
     * close); returns how long until the server closed or reset the connection, or null if all were written.
     */
    public Duration trickle(byte[] bytes, Duration interval) {
        long start = System.nanoTime();
        try {
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                socket.setSoTimeout((int) Math.max(1, interval.toMillis()));
                try {
                    if (in.read() < 0) {
                        return Duration.ofNanos(System.nanoTime() - start);
                    }
                } catch (SocketTimeoutException e) {
                    // nothing from the server: next byte
                }
            }
            return null;
        } catch (IOException e) {
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
