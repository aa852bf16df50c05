package org.m2mbridge.core.store;

import java.nio.file.Path;

/**
 * The durable store cannot be opened: its directory cannot be created or written, its file is locked by another
 * process (a running bridge), or it does not exist where an administration command looks for it. The message is one
 * line for the operator, naming the file and what to do.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the store could not be opened. */
    public enum Reason {
        /** The directory cannot be created or the file cannot be written (permissions, read-only file system). */
        NOT_WRITABLE,
        /** Another process holds the file's lock: normally a bridge running on the same data directory. */
        LOCKED,
        /** No store file yet (administration commands never create one). */
        MISSING,
        /** The file exists but cannot be read as a store. */
        UNREADABLE
    }

    private final Reason reason;
    private final transient Path file;

    public StoreUnavailableException(Reason reason, Path file, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.file = file;
    }

    public Reason reason() {
        return reason;
    }

    public Path file() {
        return file;
    }
}
