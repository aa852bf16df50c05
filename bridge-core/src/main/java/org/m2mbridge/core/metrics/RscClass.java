package org.m2mbridge.core.metrics;

/**
 * The {@code rsc_class} label: the response status code's class (TS-0004 6.6: 1xxx informational, 2xxx success,
 * 4xxx originator error, 5xxx receiver error, 6xxx network service error), {@code none} on a request.
 */
public enum RscClass implements LabelValue {
    NONE("none"), INFORMATIONAL("1xxx"), SUCCESS("2xxx"), ORIGINATOR_ERROR("4xxx"), RECEIVER_ERROR("5xxx"),
    NETWORK_ERROR("6xxx"), OTHER("other");

    private final String label;

    RscClass(String label) {
        this.label = label;
    }

    public static RscClass of(int rsc) {
        return switch (rsc / 1000) {
            case 1 -> INFORMATIONAL;
            case 2 -> SUCCESS;
            case 4 -> ORIGINATOR_ERROR;
            case 5 -> RECEIVER_ERROR;
            case 6 -> NETWORK_ERROR;
            default -> OTHER;
        };
    }

    @Override
    public String label() {
        return label;
    }
}
