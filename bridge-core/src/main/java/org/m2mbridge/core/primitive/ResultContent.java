package org.m2mbridge.core.primitive;

import java.util.Optional;

/** Result content ({@code rcn}), TS-0004 6.3.4.2.7. The bridge passes rcn through; the enum is for readability. */
public enum ResultContent {
    NOTHING(0), ATTRIBUTES(1), HIERARCHICAL_ADDRESS(2), HIERARCHICAL_ADDRESS_AND_ATTRIBUTES(3),
    ATTRIBUTES_AND_CHILD_RESOURCES(4), ATTRIBUTES_AND_CHILD_RESOURCE_REFERENCES(5), CHILD_RESOURCE_REFERENCES(6),
    ORIGINAL_RESOURCE(7), CHILD_RESOURCES(8), MODIFIED_ATTRIBUTES(9), SEMANTIC_CONTENT(10),
    DISCOVERY_RESULT_REFERENCES(11), PERMISSIONS(12);

    private final int code;

    ResultContent(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<ResultContent> of(int code) {
        return code >= 0 && code < values().length ? Optional.of(values()[code]) : Optional.empty();
    }
}
