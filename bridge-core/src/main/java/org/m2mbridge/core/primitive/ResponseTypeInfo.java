package org.m2mbridge.core.primitive;

import java.util.List;
import java.util.Optional;

/**
 * {@code rt} (m2m:responseTypeInfo): {@code {"rtv":n,"nu":[...]}}. {@code rtv} is kept as the raw number so that
 * values from later releases pass through; {@code nu} may be empty (TS-0004 6.4.1).
 */
public record ResponseTypeInfo(Integer rtv, List<String> nu) {
    /** Member short names (TS-0004 8.2.3). */
    public static final String RTV = "rtv";
    public static final String NU = "nu";

    public ResponseTypeInfo {
        nu = nu == null ? List.of() : List.copyOf(nu);
    }

    public static ResponseTypeInfo of(ResponseType type) {
        return new ResponseTypeInfo(type.code(), List.of());
    }

    public Optional<ResponseType> type() {
        return rtv == null ? Optional.empty() : ResponseType.of(rtv);
    }
}
