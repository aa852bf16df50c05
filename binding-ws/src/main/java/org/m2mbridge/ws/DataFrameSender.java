package org.m2mbridge.ws;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;

/**
 * Sends one data message (a primitive) on a WebSocket from the channel's own I/O thread, whichever thread asks.
 * <p>
 * Why: with permessage-deflate and context takeover (RFC 7692 7.2.1) the receiver's inflater must see messages in
 * the order the sender's deflater compressed them. Undertow compresses a frame when it is queued, but puts frames
 * on the wire in the order {@code send()} was called (WebSocketFramePriority's strict order). Two threads sending
 * at once (a response completing on the HTTP client's thread, a notification arriving on the inbound listener's)
 * could swap the two, and the device then inflated garbage for the rest of the connection. Seen in the load
 * tool's smoke test under CPU load (its report's {@code firstUnrecognised}: a NOTIFY decoded to garbage). On one
 * thread, {@code send()}, write, queue and compression happen in one order.
 */
final class DataFrameSender {
    private DataFrameSender() {
    }

    static void send(WebSocketChannel channel, byte[] bytes, boolean text, WebSocketCallback<Void> done) {
        boolean queued = onIoThread(channel, () -> {
            if (text) {
                WebSockets.sendText(ByteBuffer.wrap(bytes), channel, done); // TS-0020 table 7.2.2.9-1: opcode 0x1
            } else {
                WebSockets.sendBinary(ByteBuffer.wrap(bytes), channel, done); // opcode 0x2
            }
        });
        if (!queued) {
            done.onError(channel, null, new RejectedExecutionException("worker shutting down"));
        }
    }

    /**
     * Runs {@code action} on the channel's I/O thread, now if already there, else after what is queued there. A
     * close frame goes through here too, so it cannot overtake a response queued just before it. False when the
     * worker no longer takes tasks.
     */
    static boolean onIoThread(WebSocketChannel channel, Runnable action) {
        if (Thread.currentThread() == channel.getIoThread()) {
            action.run();
            return true;
        }
        try {
            channel.getIoThread().execute(action);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }
}
