package org.m2mbridge.core.metrics;

/** The {@code kind} label of {@code m2mbridge_primitives_total}. */
public enum PrimitiveKind implements LabelValue {
    REQUEST,
    RESPONSE;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
