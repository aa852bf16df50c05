package org.m2mbridge.core.metrics;

/** The {@code direction} label of {@code m2mbridge_primitives_total}: into or out of the bridge. */
public enum Direction implements LabelValue {
    IN,
    OUT;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
