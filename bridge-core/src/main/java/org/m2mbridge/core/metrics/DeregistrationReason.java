package org.m2mbridge.core.metrics;

/** The {@code reason} label of {@code m2mbridge_deregistrations_total} (docs/reliability.md, "Registrations: incarnations and expiry"). */
public enum DeregistrationReason implements LabelValue {
    /** DELETE of the registration resource answered 2002. */
    DELETED,
    /** The registrar answered 4004 for the registration resource. */
    NOT_FOUND,
    /** Its expiration time (et) passed. */
    EXPIRED,
    /** The operator removed it (docs/operations.md). */
    OPERATOR;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
