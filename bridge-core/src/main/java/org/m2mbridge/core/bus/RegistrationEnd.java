package org.m2mbridge.core.bus;

/**
 * Why a registration ended, with the label it is counted under ({@code m2mbridge_deregistrations_total}) and the
 * one under which its stored requests are dropped ({@code m2mbridge_store_dropped_total}). Closing a connection is
 * never one of them (docs/reliability.md).
 */
enum RegistrationEnd {
    /** DELETE of the registration resource answered 2002. */
    DELETED("deleted", "deregistered"),
    /** The registrar answered 4004 to a request for the registration resource itself: it no longer has it. */
    NOT_FOUND("not_found", "deregistered"),
    /** The resource's expiration time ({@code et}) passed: the CSE deletes it (TS-0001 resource expiration). */
    EXPIRED("expired", "registration_expired"),
    /** The operator removed it ({@code DELETE /api/registrations/{id}}, docs/operations.md). */
    OPERATOR("operator", "operator");

    private final String label;
    private final String storeDropLabel;

    RegistrationEnd(String label, String storeDropLabel) {
        this.label = label;
        this.storeDropLabel = storeDropLabel;
    }

    String label() {
        return label;
    }

    String storeDropLabel() {
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
