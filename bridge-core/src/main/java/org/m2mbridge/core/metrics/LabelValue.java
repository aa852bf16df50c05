package org.m2mbridge.core.metrics;

/**
 * A label value from a fixed set, spelled in exactly one place: its enum. {@link BridgeMetrics} writes every value
 * of such a set at 0 when it starts, so {@code rate()} and alert rules see a series before its first event.
 */
public interface LabelValue {
    /** The value as it appears in the exposition ({@code no_route}, {@code 4xxx}). */
    String label();
}
