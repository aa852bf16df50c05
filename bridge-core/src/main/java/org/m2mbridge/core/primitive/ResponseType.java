package org.m2mbridge.core.primitive;

import java.util.Optional;

/** {@code rt.rtv} (m2m:responseType), TS-0004 6.3.4.2.4. Absent rt means BLOCKING_REQUEST. */
public enum ResponseType {
    NON_BLOCKING_REQUEST_SYNCH(1), NON_BLOCKING_REQUEST_ASYNCH(2), BLOCKING_REQUEST(3), FLEX_BLOCKING(4), NO_RESPONSE(5);

    private final int code;

    ResponseType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<ResponseType> of(int code) {
        return code >= 1 && code <= 5 ? Optional.of(values()[code - 1]) : Optional.empty();
    }
}
