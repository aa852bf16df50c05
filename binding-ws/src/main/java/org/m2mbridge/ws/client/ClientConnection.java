package org.m2mbridge.ws.client;

import java.nio.ByteBuffer;
import java.nio.channels.WritePendingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.ExtensionConfig;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.CloseException;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;
import org.eclipse.jetty.websocket.api.exceptions.ProtocolException;
import org.m2mbridge.core.metrics.CloseReason;

/**
 * One open client WebSocket (TS-0020 6.2) on the library's session (docs/libraries.md WSC-1): whole messages in and
 * out, client pings that drop a peer whose pong has not come back by the next ping, and why it closed. Nothing here
 * blocks: sends are queued by the library (at most {@code maxOutgoingFrames}; beyond that the server reads too
 * slowly and the socket is given up), callbacks arrive on the library's threads. Public only because the library
 * calls its listener methods through public method handles (docs/libraries.md WSC-4).
 */
public final class ClientConnection implements Session.Listener.AutoDemanding {

    /** What the owner hears; called on the library's threads. */
    interface Listener {
        /** The upgrade succeeded; called before any message, so the owner can pick its codec. */
        void onOpen(ClientConnection connection);

        void onMessage(ClientConnection connection, byte[] message, boolean text);

        /** Exactly once, whoever closed, and only after {@link #start}. */
        void onClosed(ClientConnection connection, String reason);
    }

    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final String id;
    private final Listener listener;
    private volatile Session session;
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private volatile boolean closed;
    private volatile boolean started;
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile String closeText = "closed";
    private volatile String error;
    /** Why it closed, first cause wins: {@code m2mbridge_connections_closed_total}. */
    private final AtomicReference<CloseReason> why = new AtomicReference<>();
    private volatile boolean awaitingPong;
    private volatile ScheduledFuture<?> pinger;

    ClientConnection(String id, Listener listener) {
        this.id = id;
        this.listener = listener;
    }

    String id() {
        return id;
    }

    /** The subprotocol the server selected (the library checked that it was offered, RFC 6455 4.1). */
    String subprotocol() {
        return session.getUpgradeResponse().getAcceptedSubProtocol();
    }

    /** The extensions the server accepted (permessage-deflate, RFC 7692, when it agreed). */
    List<String> extensions() {
        return session.getUpgradeResponse().getExtensions().stream().map(ExtensionConfig::getName).toList();
    }

    boolean isOpen() {
        Session s = session;
        return !closed && !closeSent.get() && s != null && s.isOpen();
    }

    /** Why the connection closed (set once it has); null while open. */
    CloseReason closeReason() {
        return why.get();
    }

    /** The owner is ready: from now on a close is reported (a connection refused before never is). */
    void start() {
        started = true;
        if (closed) {
            report();
        }
    }

    /** Queues one message (text for JSON/XML, binary for CBOR: TS-0020 table 7.2.2.9-1). False if not queued. */
    boolean send(byte[] message, boolean text) {
        Session s = session;
        if (!isOpen()) {
            return false;
        }
        Callback done = Callback.from(() -> { }, this::sendFailed);
        if (text) {
            s.sendText(new String(message, StandardCharsets.UTF_8), done);
        } else {
            s.sendBinary(ByteBuffer.wrap(message), done);
        }
        return true;
    }

    private void sendFailed(Throwable failure) {
        if (failure instanceof WritePendingException) { // maxOutgoingFrames queued: the server reads too slowly
            why.compareAndSet(null, CloseReason.POLICY);
        }
        abort();
    }

    /** Client pings (TS-0020 7.2.3 keep-alive); a pong missing at the next tick drops the socket. */
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
            Session s = session;
            if (s != null) {
                // 8 bytes: a control frame may carry at most 125 (RFC 6455 5.5), an id could be longer
                s.sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, System.nanoTime()), Callback.NOOP);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Closing handshake (RFC 6455 7.1.2); the socket is dropped if the server does not answer in time. */
    void close(int code, String reason, ScheduledExecutorService timer) {
        why.compareAndSet(null, code == 1001 ? CloseReason.SHUTDOWN : CloseReason.UNUSED);
        Session s = session;
        if (s == null || !closeSent.compareAndSet(false, true)) {
            return;
        }
        s.close(code, reason, Callback.NOOP);
        try {
            timer.schedule(this::abort, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // the bridge's timer is already gone: no grace then
            abort();
        }
    }

    /** Drops the socket at once; the library then reports the close. */
    void abort() {
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }

    @Override
    public void onWebSocketOpen(Session s) {
        session = s;
        listener.onOpen(this);
    }

    @Override
    public void onWebSocketText(String message) {
        listener.onMessage(this, message.getBytes(StandardCharsets.UTF_8), true);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        byte[] message = new byte[payload.remaining()];
        payload.get(message);
        callback.succeed();
        listener.onMessage(this, message, false);
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        awaitingPong = false;
    }

    /** The library failed the connection: the close code it sent says why (RFC 6455 7.4.1). */
    @Override
    public void onWebSocketError(Throwable cause) {
        error = String.valueOf(cause.getMessage());
        if (cause instanceof MessageTooLargeException) {
            why.compareAndSet(null, CloseReason.ofOwnClose(1009));
        } else if (cause instanceof ProtocolException) {
            why.compareAndSet(null, CloseReason.ofOwnClose(1002));
        } else if (cause instanceof CloseException c) {
            why.compareAndSet(null, CloseReason.ofOwnClose(c.getStatusCode()));
        }
    }

    @Override
    public void onWebSocketClose(int code, String reason) {
        if (error != null) {
            closeText = error;
        } else if (!closeSent.get()) {
            // 1006: no close frame came, the socket just went (RFC 6455 7.1.5)
            closeText = code == 1006 ? "socket lost: " + reason : "server closed (" + code + ")";
            why.compareAndSet(null, code == 1006 ? CloseReason.ERROR : CloseReason.PEER_CLOSE);
        }
        why.compareAndSet(null, CloseReason.ERROR);
        closed = true;
        ScheduledFuture<?> p = pinger;
        if (p != null) {
            p.cancel(false);
        }
        if (started) {
            report();
        }
    }

    private void report() {
        if (reported.compareAndSet(false, true)) {
            listener.onClosed(this, closeText);
        }
    }
}
