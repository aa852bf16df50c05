package org.m2mbridge.ws.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.m2mbridge.core.config.TlsSettings;
import org.m2mbridge.core.config.WsUpstreamSettings;
import org.m2mbridge.core.metrics.CloseReason;

/**
 * One open client WebSocket (TS-0020 6.2): a reader thread that assembles messages and answers pings, a single
 * writer thread behind a bounded queue so callers (bus threads, the timer) never block on the socket, and client
 * pings that drop a peer whose pong has not come back by the next ping. Blocking I/O on its own two threads is
 * fine here: there is one such connection per upstream, or one per registered entity, bounded by
 * {@code ws.maxSockets}.
 */
final class ClientConnection {

    /** What the owner hears; called on the reader thread. */
    interface Listener {
        void onMessage(ClientConnection connection, byte[] message, boolean text);

        /** Exactly once, whoever closed. */
        void onClosed(ClientConnection connection, String reason);
    }

    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final String id;
    private final Socket socket;
    private final String subprotocol;
    private final OutputStream out;
    private final DataInputStream in;
    private final long maxMessageBytes;
    private final Listener listener;
    private final ThreadPoolExecutor writer;
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Why it closed, first cause wins: {@code m2mbridge_connections_closed_total}. */
    private final AtomicReference<CloseReason> why = new AtomicReference<>();
    private volatile boolean awaitingPong;
    private volatile ScheduledFuture<?> pinger;

    private ClientConnection(String id, Socket socket, String subprotocol, long maxMessageBytes, int maxQueuedWrites,
                             Listener listener) throws IOException {
        this.id = id;
        this.socket = socket;
        this.subprotocol = subprotocol;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 8192));
        this.maxMessageBytes = maxMessageBytes;
        this.listener = listener;
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(maxQueuedWrites), r -> daemon(r, id + "-writer"));
    }

    /**
     * Opens the socket (through the proxy when configured, C12), TLS for {@code wss} before the upgrade (C13), the
     * opening handshake, with {@code X-M2M-Origin: origin} unless null; {@link #startReading()} then starts
     * delivering messages. Blocks up to about {@code connectTimeout}: call it off the I/O path.
     */
    static ClientConnection open(String id, URI uri, WsUpstreamSettings settings, String origin, SSLContext ssl,
                                 long maxMessageBytes, Listener listener) throws IOException {
        boolean secure = uri.getScheme().equalsIgnoreCase("wss");
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80; // POA2
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
        Socket socket = ProxyTunnel.open(uri.getHost(), port, settings.proxy(), timeoutMs);
        try {
            if (secure) {
                socket = startTls(socket, uri.getHost(), port, ssl, settings, timeoutMs);
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String selected = ClientHandshake.run(socket, ProxyTunnel.authority(uri.getHost(), port), path,
                    settings.subprotocols(), origin);
            socket.setSoTimeout(0); // from here liveness is the pings' job
            int queue = settings.maxInflight() + settings.maxQueued() + 256;
            return new ClientConnection(id, socket, selected, maxMessageBytes, queue, listener);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static Socket startTls(Socket tcp, String host, int port, SSLContext ssl, WsUpstreamSettings settings,
                                   int timeoutMs) throws IOException {
        SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(tcp, host, port, true);
        SSLParameters params = tls.getSSLParameters();
        TlsSettings t = settings.tls();
        if (t != null) {
            params.setProtocols(t.protocols().toArray(String[]::new));
            if (!t.ciphers().isEmpty()) {
                params.setCipherSuites(t.ciphers().toArray(String[]::new));
            }
        }
        if (settings.hostnameVerification()) {
            params.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 2818 3.1 against the url's host
        }
        tls.setSSLParameters(params);
        tls.setSoTimeout(timeoutMs);
        tls.startHandshake();
        return tls;
    }

    /** Starts the reader thread; the owner calls it once it is ready for messages. */
    void startReading() {
        daemon(this::readLoop, id + "-reader").start();
    }

    String id() {
        return id;
    }

    String subprotocol() {
        return subprotocol;
    }

    boolean isOpen() {
        return !closed.get() && !closeSent.get();
    }

    /** Why the connection closed (set once it has); null while open. */
    CloseReason closeReason() {
        return why.get();
    }

    /** Queues one message (text for JSON/XML, binary for CBOR: TS-0020 table 7.2.2.9-1). False if not queued. */
    boolean send(byte[] message, boolean text) {
        return enqueue(text ? ClientFrames.TEXT : ClientFrames.BINARY, message);
    }

    /** Client pings (ws-binding.md 8 "Keepalive"); a pong missing at the next tick drops the socket. */
    void startPings(ScheduledExecutorService timer, Duration interval) {
        if (interval.isZero()) {
            return;
        }
        long ms = interval.toMillis();
        pinger = timer.scheduleAtFixedRate(() -> {
            if (awaitingPong) {
                why.compareAndSet(null, CloseReason.PONG_TIMEOUT);
                abort();
                return;
            }
            awaitingPong = true;
            // 8 bytes: a control frame may carry at most 125 (RFC 6455 5.5), an id could be longer
            enqueue(ClientFrames.PING, ByteBuffer.allocate(Long.BYTES).putLong(System.nanoTime()).array());
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Closing handshake (RFC 6455 7.1.2); the socket is dropped if the server does not answer in time. */
    void close(int code, String reason, ScheduledExecutorService timer) {
        why.compareAndSet(null, code == 1001 ? CloseReason.SHUTDOWN : CloseReason.UNUSED);
        if (sendClose(code, reason)) {
            try {
                timer.schedule(this::abort, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) { // the bridge's timer is already gone: no grace then
                abort();
            }
        }
    }

    /** Drops the socket at once; the reader thread then reports the close. */
    void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private boolean sendClose(int code, String reason) {
        if (!closeSent.compareAndSet(false, true)) {
            return false;
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(2 + Math.min(text.length, 123));
        body.putShort((short) code).put(text, 0, Math.min(text.length, 123));
        return enqueue(ClientFrames.CLOSE, body.array());
    }

    private boolean enqueue(int opcode, byte[] payload) {
        if (closed.get()) {
            return false;
        }
        try {
            writer.execute(() -> {
                try {
                    ClientFrames.write(out, opcode, payload);
                    if (writer.getQueue().isEmpty() || opcode == ClientFrames.CLOSE) {
                        out.flush();
                    }
                } catch (IOException e) {
                    abort();
                }
            });
            return true;
        } catch (RejectedExecutionException e) { // the server reads too slowly: give up on this socket
            why.compareAndSet(null, CloseReason.POLICY);
            abort();
            return false;
        }
    }

    private void readLoop() {
        String reason = "closed by the server";
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = -1;
        try {
            while (true) {
                ClientFrames.Frame f = ClientFrames.read(in, maxMessageBytes);
                switch (f.opcode()) {
                    case ClientFrames.PING -> enqueue(ClientFrames.PONG, f.payload());
                    case ClientFrames.PONG -> awaitingPong = false;
                    case ClientFrames.CLOSE -> {
                        int code = f.payload().length >= 2 ? ((f.payload()[0] & 0xFF) << 8) | (f.payload()[1] & 0xFF)
                                : 1005;
                        reason = "server closed (" + code + ")";
                        why.compareAndSet(null, CloseReason.PEER_CLOSE);
                        sendClose(code == 1005 ? 1000 : code, ""); // echo, RFC 6455 5.5.1
                        writer.shutdown();
                        writer.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                        return;
                    }
                    case ClientFrames.TEXT, ClientFrames.BINARY, ClientFrames.CONTINUATION -> {
                        boolean first = f.opcode() != ClientFrames.CONTINUATION;
                        if (first == (messageOpcode >= 0)) {
                            throw new ClientFrames.ProtocolException(1002, "unexpected "
                                    + (first ? "new message inside a fragmented one" : "continuation frame"));
                        }
                        if (first) {
                            messageOpcode = f.opcode();
                        }
                        if (message.size() + (long) f.payload().length > maxMessageBytes) {
                            throw new ClientFrames.ProtocolException(1009, "message over " + maxMessageBytes + " bytes");
                        }
                        message.write(f.payload());
                        if (f.fin()) {
                            byte[] whole = message.toByteArray();
                            boolean text = messageOpcode == ClientFrames.TEXT;
                            message.reset();
                            messageOpcode = -1;
                            listener.onMessage(this, whole, text);
                        }
                    }
                    default -> throw new ClientFrames.ProtocolException(1002, "unknown opcode " + f.opcode());
                }
            }
        } catch (ClientFrames.ProtocolException e) {
            reason = e.getMessage();
            why.compareAndSet(null, CloseReason.ofOwnClose(e.closeCode));
            sendClose(e.closeCode, e.getMessage());
            writer.shutdown();
            awaitQuietly();
        } catch (IOException e) {
            reason = closeSent.get() ? "closed" : "socket lost: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finish(reason);
        }
    }

    private void awaitQuietly() {
        try {
            writer.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finish(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        why.compareAndSet(null, CloseReason.ERROR);
        ScheduledFuture<?> p = pinger;
        if (p != null) {
            p.cancel(false);
        }
        writer.shutdownNow();
        abort();
        listener.onClosed(this, reason);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
