package org.m2mbridge.core.primitive;

import java.util.Optional;

/** oneM2M operation ({@code op}), TS-0004 6.3.4.2.5. Discovery is a RETRIEVE with {@code fc.fu=1}. */
public enum Operation {
    CREATE(1), RETRIEVE(2), UPDATE(3), DELETE(4), NOTIFY(5);
    /** values() copies the array on every call; the codec looks an operation up for every primitive. */
    private static final Operation[] BY_CODE = values();

    private final int code;

    Operation(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<Operation> of(int code) {
        return code >= 1 && code <= 5 ? Optional.of(BY_CODE[code - 1]) : Optional.empty();
    }
}
