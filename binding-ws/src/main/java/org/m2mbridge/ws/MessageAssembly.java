package org.m2mbridge.ws;

import io.undertow.websockets.core.StreamSourceFrameChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.m2mbridge.core.budget.InboundBudget;
import org.m2mbridge.core.config.LimitsConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.Limit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;

/**
 * Receives one connection's data messages from their frames (RFC 6455 5.4, TS-0020 T3) as bytes, in heap chunks
 * the connection's {@link InboundBudget.Account} pays for, and hands each whole message to its {@link WsSession}.
 * Undertow's own buffering is not used: it held text as chars (two bytes per byte) and binary in pooled direct
 * buffers, for as long as a sender cared to leave a message unfinished (docs/security.md "Memory budget").
 * <ul>
 *   <li>Text stays bytes; the session's codec decodes the UTF-8 once, from the whole message. Undertow still
 *   validates the UTF-8 as the bytes are read (across frame and read boundaries) and fails the connection with
 *   1007 at the first invalid sequence or a message ending inside a character (RFC 6455 8.1).</li>
 *   <li>A message may hold {@code limits.maxMessageBytes} once inflated (permessage-deflate: the bomb check), or
 *   {@code limits.unregisteredMessageBytes} while the connection carries no entity; one byte more closes 1009.</li>
 *   <li>Each message tells the account when it began, for {@code limits.messageAssemblyTimeout}.</li>
 * </ul>
 * Runs on the connection's I/O thread only; {@link #discard()} is posted there when the budget sheds the
 * connection from elsewhere.
 */
final class MessageAssembly {
    private static final Logger LOG = LoggerFactory.getLogger(MessageAssembly.class);
    private static final int FIRST_CHUNK = 4 * 1024;
    /** Chunks stay far below the size the G1 collector stores in regions of their own (half a region, 512 KiB+). */
    private static final int LARGEST_CHUNK = 64 * 1024;

    private final WsSession session;
    private final InboundBudget.Account account;
    private final LimitsConfig limits;
    private final BridgeMetrics metrics;
    private Incoming current;
    private boolean discarded;

    MessageAssembly(WsSession session, InboundBudget.Account account, LimitsConfig limits, BridgeMetrics metrics) {
        this.session = session;
        this.account = account;
        this.limits = limits;
        this.metrics = metrics;
    }

    /** The first frame of a text or binary message has arrived on {@code frames}; reads what is there. */
    void begin(StreamSourceFrameChannel frames, boolean text) {
        if (discarded) {
            frames.suspendReads();
            return;
        }
        current = new Incoming(frames, text);
        account.messageStarted();
        current.readAvailable();
    }

    /** Drops the message under way and reads nothing more: the connection is being closed. */
    void discard() {
        discarded = true;
        if (current != null) {
            current.stop();
        }
    }

    /** One message being received: its chunks, and what of the budget they take. */
    private final class Incoming implements ChannelListener<StreamSourceFrameChannel> {
        private final StreamSourceFrameChannel frames;
        private final boolean text;
        private final List<byte[]> chunks = new ArrayList<>();
        private byte[] last;
        private int lastFilled;
        private long size;
        private long reserved;

        Incoming(StreamSourceFrameChannel frames, boolean text) {
            this.frames = frames;
            this.text = text;
        }

        @Override
        public void handleEvent(StreamSourceFrameChannel channel) {
            readAvailable();
        }

        void readAvailable() {
            try {
                while (current == this) {
                    ByteBuffer room = room();
                    if (room == null) {
                        return;
                    }
                    int n = frames.read(room);
                    if (n > 0) {
                        lastFilled += n;
                        size += n;
                    } else if (n == 0) {
                        frames.getReadSetter().set(this);
                        frames.resumeReads();
                        return;
                    } else {
                        complete();
                        return;
                    }
                }
            } catch (IOException e) {
                // Invalid UTF-8 (Undertow has queued close 1007), a corrupt compressed frame, a closed channel.
                LOG.debug("{}: {}", session.id(), e.toString());
                stop();
                IoUtils.safeClose(frames.getWebSocketChannel());
            }
        }

        /** Space for the next read: the last chunk's rest, or a new chunk the budget pays for; null to stop. */
        private ByteBuffer room() {
            if (last != null && lastFilled < last.length) {
                return ByteBuffer.wrap(last, lastFilled, last.length - lastFilled);
            }
            int allowed = limits.messageBytesFor(session.carriesEntities());
            if (size > allowed) {
                tooBig(allowed);
                return null;
            }
            // never more than one byte past what is allowed, so an oversized message costs at most that
            int chunk = (int) Math.min(Math.min(FIRST_CHUNK << Math.min(chunks.size(), 8), LARGEST_CHUNK),
                    allowed + 1L - size);
            if (!account.reserve(chunk)) {
                stop(); // shed: the session is closing the connection
                return null;
            }
            reserved += chunk;
            last = new byte[chunk];
            lastFilled = 0;
            chunks.add(last);
            return ByteBuffer.wrap(last);
        }

        private void tooBig(int allowed) {
            boolean maximum = allowed == limits.maxMessageBytes();
            metrics.limitRefused(maximum ? Limit.WS_MESSAGE_SIZE : Limit.WS_UNREGISTERED_MESSAGE_SIZE);
            stop();
            session.fail(1009, maximum ? "message over limits.maxMessageBytes (" + allowed + " bytes)"
                    : "message over limits.unregisteredMessageBytes (" + allowed + " bytes) before registering");
        }

        private void complete() {
            byte[] whole = whole();
            drop();
            session.onMessage(whole, text);
        }

        /** The message in one array of its exact size (the one chunk itself when it fits exactly). */
        private byte[] whole() {
            if (chunks.size() == 1 && lastFilled == last.length) {
                return last;
            }
            byte[] whole = new byte[(int) size];
            int at = 0;
            for (byte[] c : chunks) {
                int n = c == last ? lastFilled : c.length;
                System.arraycopy(c, 0, whole, at, n);
                at += n;
            }
            return whole;
        }

        /** Drops the message and reads no more of it (the connection is being closed). */
        void stop() {
            drop();
            frames.suspendReads();
        }

        /** Forgets the bytes and gives their budget back; this message is no longer current. */
        private void drop() {
            chunks.clear();
            last = null;
            account.release(reserved);
            reserved = 0;
            if (current == this) {
                current = null;
                account.messageEnded();
            }
        }
    }
}
