package org.m2mbridge.core.primitive;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Resource types ({@code ty}) the bridge knows by name, with the short name of the resource's root element
 * ({@code m2m:<short>}), TS-0004 6.3.4.2.1. Requests keep {@code ty} as a plain number, so types not listed here
 * (announced variants 10000+n, later releases, specializations) pass through unchanged.
 */
public enum ResourceType {
    ACCESS_CONTROL_POLICY(1, "acp"),
    AE(2, "ae"),
    CONTAINER(3, "cnt"),
    CONTENT_INSTANCE(4, "cin"),
    CSE_BASE(5, "cb"),
    DELIVERY(6, "dlv"),
    EVENT_CONFIG(7, "evcg"),
    EXEC_INSTANCE(8, "exin"),
    GROUP(9, "grp"),
    LOCATION_POLICY(10, "lcp"),
    M2M_SERVICE_SUBSCRIPTION_PROFILE(11, "mssp"),
    MGMT_CMD(12, "mgc"),
    MGMT_OBJ(13, "mgo"),
    NODE(14, "nod"),
    POLLING_CHANNEL(15, "pch"),
    REMOTE_CSE(16, "csr"),
    REQUEST(17, "req"),
    SCHEDULE(18, "sch"),
    SERVICE_SUBSCRIBED_APP_RULE(19, "asar"),
    SERVICE_SUBSCRIBED_NODE(20, "svsn"),
    STATS_COLLECT(21, "stcl"),
    STATS_CONFIG(22, "stcg"),
    SUBSCRIPTION(23, "sub"),
    SEMANTIC_DESCRIPTOR(24, "smd"),
    NOTIFICATION_TARGET_MGMT_POLICY_REF(25, "ntpr"),
    NOTIFICATION_TARGET_POLICY(26, "nttp"),
    POLICY_DELETION_RULES(27, "pdr"),
    FLEX_CONTAINER(28, "fcnt"),
    TIME_SERIES(29, "ts"),
    TIME_SERIES_INSTANCE(30, "tsi"),
    ROLE(31, "role"),
    TOKEN(32, "tk"),
    TRAFFIC_PATTERN(33, "trpt"),
    DYNAMIC_AUTHORIZATION_CONSULTATION(34, "dac"),
    CROSS_RESOURCE_SUBSCRIPTION(48, "crs"),
    FLEX_CONTAINER_INSTANCE(58, "fcin");

    private static final Map<Integer, ResourceType> BY_CODE = new HashMap<>();

    static {
        for (ResourceType t : values()) {
            BY_CODE.put(t.code, t);
        }
    }

    private final int code;
    private final String shortName;
    private final String rootName;

    ResourceType(int code, String shortName) {
        this.code = code;
        this.shortName = shortName;
        this.rootName = "m2m:" + shortName;
    }

    public int code() {
        return code;
    }

    /** Short name without namespace prefix, e.g. {@code ae}; the JSON root member is {@code m2m:ae}. */
    public String shortName() {
        return shortName;
    }

    /** The JSON root member / XML element of the resource, e.g. {@code m2m:ae} (TS-0004 8.2). */
    public String rootName() {
        return rootName;
    }

    public static Optional<ResourceType> of(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    /** Registration resource types: CREATE of these binds an entity (TS-0020 7.4). */
    public static boolean isRegistration(Integer ty) {
        return ty != null && (ty == AE.code || ty == REMOTE_CSE.code);
    }
}
