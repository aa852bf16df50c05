package org.m2mbridge.ws;

import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.StreamSourceFrameChannel;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * The frames of one connection: text and binary messages go to the session's {@link MessageAssembly} as they
 * arrive (it bounds their size, memory and time); pings, pongs and close frames are Undertow's, whose control
 * frames hold 125 bytes at most (RFC 6455 5.5).
 */
final class FrameListener extends AbstractReceiveListener {
    private static final Logger LOG = LoggerFactory.getLogger(FrameListener.class);

    private final WsSession session;

    FrameListener(WsSession session) {
        this.session = session;
    }

    @Override
    protected void onText(WebSocketChannel channel, StreamSourceFrameChannel message) {
        session.assembly().begin(message, true);
    }

    @Override
    protected void onBinary(WebSocketChannel channel, StreamSourceFrameChannel message) {
        session.assembly().begin(message, false);
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

    /**
     * A broken frame (Undertow has queued the close: 1002 protocol error, 1009 for an inflated frame over the
     * limit, a deflate bomb) or a failed read.
     */
    @Override
    protected void onError(WebSocketChannel channel, Throwable error) {
        LOG.debug("{}: {}", session.id(), error.toString());
        super.onError(channel, error);
    }
}
