package org.m2mbridge.bench;

import java.io.IOException;

/** A connection's set-up failed; the message says which step and why, in words (no exception class names). */
final class SetupFailure extends IOException {
    private static final long serialVersionUID = 1L;

    SetupFailure(String message) {
        super(message);
    }
}
