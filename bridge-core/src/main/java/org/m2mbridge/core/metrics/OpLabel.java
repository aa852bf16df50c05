package org.m2mbridge.core.metrics;

import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;

/**
 * The {@code op} label: the request's operation, or {@code unknown} for a response whose request the counting
 * binding cannot see (a response frame read before it is matched to its request).
 */
public enum OpLabel implements LabelValue {
    CREATE, RETRIEVE, UPDATE, DELETE, NOTIFY, UNKNOWN;

    private static final OpLabel[] BY_OPERATION = {CREATE, RETRIEVE, UPDATE, DELETE, NOTIFY};

    public static OpLabel of(Operation op) {
        return op == null ? UNKNOWN : BY_OPERATION[op.ordinal()];
    }

    public static OpLabel of(RequestPrimitive request) {
        return request == null ? UNKNOWN : of(request.op());
    }

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
