package org.m2mbridge.listener;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;

/**
 * One admitted connection: gives its slot back exactly once when it closes, however it closes, and closes it if its
 * first request head has not arrived within the header timeout. Undertow's own parse timeout only starts with the
 * first byte, and its idle timeout is meant for keep-alive connections between requests; a connection that opens and
 * sends nothing, or trickles, must not hold a descriptor longer than a client needs for one request head.
 */
final class ConnectionGuard {
    private final StreamConnection connection;
    private final Runnable giveBack;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean requestArrived;
    private volatile XnioExecutor.Key deadline;

    ConnectionGuard(StreamConnection connection, Runnable giveBack) {
        this.connection = connection;
        this.giveBack = giveBack;
    }

    /** Closes the connection after {@code timeout} unless {@link #requestArrived} by then; {@code onCut} first. */
    void expectRequestWithin(Duration timeout, Runnable onCut) {
        try {
            deadline = connection.getIoThread().executeAfter(() -> {
                if (!requestArrived && connection.isOpen()) {
                    onCut.run();
                    IoUtils.safeClose(connection);
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // the listener is stopping: no connection outlives it
            IoUtils.safeClose(connection);
        }
    }

    /** The first request head is complete: from here on Undertow's parse and idle timeouts apply. */
    void requestArrived() {
        requestArrived = true;
        cancelDeadline();
    }

    /**
     * Chains the slot's release behind the close listener Undertow set when it took the connection over (it
     * replaces any listener set before), and releases at once if the connection closed meanwhile.
     */
    void releaseOnClose() {
        ChannelListener<? super StreamConnection> undertow = connection.getCloseListener();
        connection.setCloseListener(closed -> {
            try {
                ChannelListeners.invokeChannelListener(closed, undertow);
            } finally {
                release();
            }
        });
        if (!connection.isOpen()) {
            release();
        }
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            cancelDeadline();
            giveBack.run();
        }
    }

    private void cancelDeadline() {
        XnioExecutor.Key key = deadline;
        if (key != null) {
            key.remove();
        }
    }
}
