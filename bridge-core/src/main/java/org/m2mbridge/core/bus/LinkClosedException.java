package org.m2mbridge.core.bus;

/**
 * How a {@link Link} fails a request whose connection closed (or was closing) before the answer came. It is not an
 * answer from the entity: the request may never have reached it, so store-and-forward keeps it for the entity's
 * next connection (at-least-once), where a 5103 the device sends itself is a real answer and is passed on.
 */
public final class LinkClosedException extends RuntimeException {
    public LinkClosedException(String message) {
        super(message, null, false, false); // an expected outcome: no stack trace
    }
}
