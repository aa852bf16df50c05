package org.m2mbridge.core.bus;

import org.m2mbridge.core.metrics.DeregistrationReason;
import org.m2mbridge.core.metrics.StoreDrop;

/**
 * Why a registration ended, with the label it is counted under ({@code m2mbridge_deregistrations_total}) and the
 * one under which its stored requests are dropped ({@code m2mbridge_store_dropped_total}). Closing a connection is
 * never one of them (docs/reliability.md).
 */
enum RegistrationEnd {
    /** DELETE of the registration resource answered 2002. */
    DELETED(DeregistrationReason.DELETED, StoreDrop.DEREGISTERED),
    /** The registrar answered 4004 to a request for the registration resource itself: it no longer has it. */
    NOT_FOUND(DeregistrationReason.NOT_FOUND, StoreDrop.DEREGISTERED),
    /** The resource's expiration time ({@code et}) passed: the CSE deletes it (TS-0001 resource expiration). */
    EXPIRED(DeregistrationReason.EXPIRED, StoreDrop.REGISTRATION_EXPIRED),
    /** The operator removed it ({@code DELETE /api/registrations/{id}}, docs/operations.md). */
    OPERATOR(DeregistrationReason.OPERATOR, StoreDrop.OPERATOR);

    private final DeregistrationReason label;
    private final StoreDrop storeDropLabel;

    RegistrationEnd(DeregistrationReason label, StoreDrop storeDropLabel) {
        this.label = label;
        this.storeDropLabel = storeDropLabel;
    }

    DeregistrationReason label() {
        return label;
    }

    StoreDrop storeDropLabel() {
        return storeDropLabel;
    }

    String describe(String entityId) {
        return switch (this) {
            case DELETED -> "entity '" + entityId + "' was deregistered";
            case NOT_FOUND -> "entity '" + entityId + "' is no longer known to its registrar";
            case EXPIRED -> "the registration of '" + entityId + "' expired";
            case OPERATOR -> "the registration of '" + entityId + "' was removed by the operator";
        };
    }
}
