package org.m2mbridge.distribution;

/** The bridge could not start (port taken, binding missing, binding failed); the message is for the operator. */
public final class StartupFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public StartupFailure(String message) {
        super(message);
    }
}
