package org.m2mbridge.core.metrics;

/** The {@code reason} label of {@code m2mbridge_store_dropped_total}: why a stored request was dropped undelivered. */
public enum StoreDrop implements LabelValue {
    DEREGISTERED,
    REGISTRATION_EXPIRED,
    INCARNATION,
    REPLACED,
    UNANSWERED,
    ATTEMPTS,
    /** The operator purged the entity's queue or removed its registration (docs/operations.md). */
    OPERATOR;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
