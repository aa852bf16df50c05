package org.m2mbridge.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Puts back the {@code /} that tinyIoT leaves out of the request-target of its subscription verification request
 * ({@code POST TinyIoT/ae/cnt HTTP/1.1}, fixtures/peers/tinyiot/http-notify-01.txt). RFC 9112 3.2 allows only
 * origin-form ({@code /path}), absolute-form ({@code http://…}), authority-form and {@code *}; Undertow answers 400
 * to anything else before a handler runs, so without this the verification, and with it the subscription, fails.
 * <p>
 * Only the first request line of a connection is looked at (tinyIoT sends {@code Connection: close} with every
 * request); after it, reads go straight through. A target that starts with a letter sequence followed by
 * {@code :} (absolute-form) or {@code *} is left alone. The check reads the method, one space and at most the first
 * {@value #MAX_SCHEME} bytes of the target one byte at a time, holding those back until it has decided.
 */
final class OriginFormRepair extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private static final int MAX_METHOD = 16;
    private static final int MAX_SCHEME = 16;

    private enum State { METHOD, TARGET_START, SCHEME, DONE }

    private final ByteBuffer one = ByteBuffer.allocate(1);
    /** Read but not yet handed out: the start of the target while it is being judged, plus an inserted slash. */
    private final byte[] held = new byte[MAX_SCHEME + 2];
    private int heldStart;
    private int heldEnd;
    private State state = State.METHOD;
    private int methodLength;

    OriginFormRepair(StreamSourceConduit next) {
        super(next);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (state == State.DONE) {
            return heldStart < heldEnd ? drainHeld(dst) : next.read(dst);
        }
        int copied = 0;
        while (state != State.DONE && dst.hasRemaining()) {
            one.clear();
            int n = next.read(one);
            if (n < 0) { // the stream ended before the target was judged: pass on what there is, unchanged
                state = State.DONE;
                int rest = drainHeld(dst);
                return copied + rest > 0 ? copied + rest : n;
            }
            if (n == 0) {
                return copied; // more bytes needed; the held ones wait for them
            }
            copied += step(one.get(0), dst);
        }
        return state == State.DONE ? copied + drainHeld(dst) : copied;
    }

    /** Feeds one byte through the state machine; returns how many bytes it put into {@code dst}. */
    private int step(byte b, ByteBuffer dst) {
        switch (state) {
            case METHOD -> {
                if (b == ' ') {
                    state = State.TARGET_START;
                } else if (++methodLength > MAX_METHOD || b < 'A' || b > 'Z') {
                    state = State.DONE; // not a request line we know: Undertow decides
                }
                dst.put(b);
                return 1;
            }
            case TARGET_START -> {
                if (b == '/' || b == '*' || b == ' ') {
                    state = State.DONE;
                    dst.put(b);
                    return 1;
                }
                held[heldEnd++] = b;
                if (isSchemeChar(b)) {
                    state = State.SCHEME;
                } else {
                    insertSlash(); // "~/id-in/..." and the like
                    state = State.DONE;
                }
                return 0;
            }
            case SCHEME -> {
                held[heldEnd++] = b;
                if (b == ':') { // "http:" etc.: absolute-form, leave it
                    state = State.DONE;
                } else if (!isSchemeChar(b) || heldEnd - heldStart > MAX_SCHEME) {
                    insertSlash(); // "TinyIoT/ae/cnt": a path without its leading slash
                    state = State.DONE;
                }
                return 0;
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private static boolean isSchemeChar(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '+' || b == '-'
                || b == '.';
    }

    private void insertSlash() {
        System.arraycopy(held, heldStart, held, heldStart + 1, heldEnd - heldStart);
        held[heldStart] = '/';
        heldEnd++;
    }

    private int drainHeld(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), heldEnd - heldStart);
        dst.put(held, heldStart, n);
        heldStart += n;
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        if (state == State.DONE && heldStart == heldEnd) {
            return next.read(dsts, offs, len);
        }
        for (int i = offs; i < offs + len; i++) {
            if (dsts[i].hasRemaining()) {
                return read(dsts[i]);
            }
        }
        return 0;
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return state == State.DONE && heldStart == heldEnd ? next.transferTo(position, count, target)
                : target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return state == State.DONE && heldStart == heldEnd ? next.transferTo(count, throughBuffer, target)
                : Conduits.transfer(this, count, throughBuffer, target);
    }
}
