package org.m2mbridge.ws.client;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;

/**
 * RFC 6455 5.2 framing as a client does it: every frame it sends is masked (5.3), every frame it receives must be
 * unmasked (5.1). Sends whole messages as single frames; receives fragmented ones (TS-0020 T3).
 */
final class ClientFrames {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** One received frame. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        boolean isControl() {
            return (opcode & 0x8) != 0;
        }
    }

    /** A frame that breaks RFC 6455; the connection is failed with {@code closeCode}. */
    static final class ProtocolException extends IOException {
        final int closeCode;

        ProtocolException(int closeCode, String message) {
            super(message);
            this.closeCode = closeCode;
        }
    }

    private ClientFrames() {
    }

    /** Writes one final frame; the caller serializes writers and flushes. */
    static void write(OutputStream out, int opcode, byte[] payload) throws IOException {
        int len = payload.length;
        byte[] head = new byte[14];
        int n = 0;
        head[n++] = (byte) (0x80 | opcode);
        if (len < 126) {
            head[n++] = (byte) (0x80 | len);
        } else if (len < 65536) {
            head[n++] = (byte) (0x80 | 126);
            head[n++] = (byte) (len >>> 8);
            head[n++] = (byte) len;
        } else {
            head[n++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                head[n++] = (byte) ((long) len >>> shift);
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        System.arraycopy(mask, 0, head, n, 4);
        n += 4;
        byte[] masked = new byte[len];
        for (int i = 0; i < len; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(head, 0, n);
        out.write(masked);
    }

    /** Reads one frame; a payload over {@code maxPayload} fails with 1009 before it is read. */
    static Frame read(DataInputStream in, long maxPayload) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        if ((b0 & 0x70) != 0) {
            throw new ProtocolException(1002, "reserved bits set without a negotiated extension");
        }
        if ((b1 & 0x80) != 0) {
            throw new ProtocolException(1002, "masked frame from the server"); // RFC 6455 5.1
        }
        long len = b1 & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
            if (len < 0) {
                throw new ProtocolException(1002, "negative payload length");
            }
        }
        boolean control = (opcode & 0x8) != 0;
        if (control && (len > 125 || !fin)) {
            throw new ProtocolException(1002, "control frame too long or fragmented"); // RFC 6455 5.5
        }
        if (len > maxPayload) {
            throw new ProtocolException(1009, "message larger than " + maxPayload + " bytes");
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(fin, opcode, payload);
    }

}
