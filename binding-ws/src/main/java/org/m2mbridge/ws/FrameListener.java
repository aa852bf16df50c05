package org.m2mbridge.ws;

import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.Limit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.Pooled;

/**
 * Whole WebSocket messages of one connection (Undertow reassembles fragments, TS-0020 T3) handed to its
 * {@link WsSession}. Undertow's message size is unlimited by default (stack-notes 1.1): the cap here applies to the
 * message after permessage-deflate inflation, and Undertow closes with 1009 when it is exceeded.
 */
final class FrameListener extends AbstractReceiveListener {
    private static final Logger LOG = LoggerFactory.getLogger(FrameListener.class);

    /**
     * Undertow's code for a message over the limit. An inflated frame over it (UT002047, a deflate bomb) is closed
     * 1009 inside Undertow and reaches {@link #onError} only as a ClosedChannelException, so it is not counted.
     */
    private static final String SIZE_LIMIT_CODE = "UT002040";

    private final WsSession session;
    private final long maxMessageBytes;
    private final BridgeMetrics metrics;

    FrameListener(WsSession session, long maxMessageBytes, BridgeMetrics metrics) {
        this.session = session;
        this.maxMessageBytes = maxMessageBytes;
        this.metrics = metrics;
    }

    @Override
    protected long getMaxTextBufferSize() {
        return maxMessageBytes;
    }

    @Override
    protected long getMaxBinaryBufferSize() {
        return maxMessageBytes;
    }

    @Override
    protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
        String text = message.getData(); // consumes the buffer: read once (stack-notes 1.1)
        session.onMessage(text.getBytes(StandardCharsets.UTF_8), true);
    }

    @Override
    protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
        Pooled<ByteBuffer[]> data = message.getData();
        try {
            ByteBuffer merged = WebSockets.mergeBuffers(data.getResource());
            byte[] bytes = new byte[merged.remaining()];
            merged.get(bytes);
            session.onMessage(bytes, false);
        } finally {
            data.free();
        }
    }

    @Override
    protected void onFullPongMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
        message.getData().free();
        session.pongReceived();
    }

    @Override
    protected void onFullCloseMessage(WebSocketChannel channel, BufferedBinaryMessage message) throws IOException {
        boolean weClosedFirst = channel.isCloseFrameSent();
        if (!weClosedFirst) {
            // read from duplicates: Undertow reads the same buffers again to answer the close
            ByteBuffer[] frames = message.getData().getResource();
            ByteBuffer[] copies = new ByteBuffer[frames.length];
            for (int i = 0; i < frames.length; i++) {
                copies[i] = frames[i].duplicate();
            }
            CloseMessage close = new CloseMessage(WebSockets.mergeBuffers(copies));
            session.peerClosed(close.getCode(), close.getReason());
        }
        super.onFullCloseMessage(channel, message);
        if (weClosedFirst) {
            // Closing handshake complete (RFC 6455 7.1.1: the server drops TCP first); Undertow would keep the
            // socket open until the peer drops it, leaving what the device owed unanswered until then.
            IoUtils.safeClose(channel);
        }
    }

    @Override
    protected void onError(WebSocketChannel channel, Throwable error) {
        LOG.debug("{}: {}", session.id(), error.toString());
        String message = String.valueOf(error.getMessage());
        // Undertow reports the size limit only by message text; it closes with 1009 itself
        if (message.startsWith(SIZE_LIMIT_CODE)) {
            metrics.limitRefused(Limit.WS_MESSAGE_SIZE);
            session.closedByUndertow(1009, "message over limits.maxMessageBytes");
        }
        super.onError(channel, error);
    }
}
