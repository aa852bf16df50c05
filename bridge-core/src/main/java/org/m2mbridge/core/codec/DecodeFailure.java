package org.m2mbridge.core.codec;

/**
 * Internal signal that input cannot be decoded; turned into a {@link DecodeResult.Failed} or
 * {@link ContentResult.Failed} at the codec boundary. No stack trace: it is an expected outcome, not a bug.
 */
final class DecodeFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean tooLarge;

    DecodeFailure(String reason) {
        this(reason, false);
    }

    DecodeFailure(String reason, boolean tooLarge) {
        super(reason, null, false, false);
        this.tooLarge = tooLarge;
    }

    boolean tooLarge() {
        return tooLarge;
    }
}
