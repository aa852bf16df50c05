package org.m2mbridge.core.primitive;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Response status codes ({@code rsc}) with their HTTP status: the one table for rsc to HTTP
 * (TS-0004 6.6.3, TS-0009 table 6.3.2-1). Codes from later releases that are not listed here still pass
 * through the bridge as plain numbers; {@link #httpStatusOf(int)} and {@link #fromHttpStatus(int)} give the
 * class-based fallback for them.
 */
public enum ResponseStatusCode {
    ACCEPTED(1000, 202),
    ACCEPTED_NON_BLOCKING_REQUEST_SYNCH(1001, 202),
    ACCEPTED_NON_BLOCKING_REQUEST_ASYNCH(1002, 202),
    OK(2000, 200),
    CREATED(2001, 201),
    DELETED(2002, 200),
    UPDATED(2004, 200),
    BAD_REQUEST(4000, 400),
    RELEASE_VERSION_NOT_SUPPORTED(4001, 501),
    NOT_FOUND(4004, 404),
    OPERATION_NOT_ALLOWED(4005, 405),
    REQUEST_TIMEOUT(4008, 504),
    UNSUPPORTED_MEDIA_TYPE(4015, 415),
    SUBSCRIPTION_CREATOR_HAS_NO_PRIVILEGE(4101, 403),
    CONTENTS_UNACCEPTABLE(4102, 400),
    ORIGINATOR_HAS_NO_PRIVILEGE(4103, 403),
    GROUP_REQUEST_IDENTIFIER_EXISTS(4104, 409),
    CONFLICT(4105, 409),
    ORIGINATOR_NOT_AUTHENTICATED(4106, 403),
    SECURITY_ASSOCIATION_REQUIRED(4107, 403),
    INVALID_CHILD_RESOURCE_TYPE(4108, 403),
    NO_MEMBERS(4109, 403),
    GROUP_MEMBER_TYPE_INCONSISTENT(4110, 400),
    ESPRIM_UNSUPPORTED_OPTION(4111, 403),
    ESPRIM_UNKNOWN_KEY_ID(4112, 403),
    ESPRIM_UNKNOWN_ORIG_RAND_ID(4113, 403),
    ESPRIM_UNKNOWN_RECV_RAND_ID(4114, 403),
    ESPRIM_BAD_MAC(4115, 403),
    ESPRIM_IMPERSONATION_ERROR(4116, 403),
    ORIGINATOR_HAS_ALREADY_REGISTERED(4117, 403),
    ONTOLOGY_NOT_AVAILABLE(4118, 404),
    LINKED_SEMANTICS_NOT_AVAILABLE(4119, 404),
    INVALID_SEMANTICS(4120, 400),
    MASHUP_MEMBER_NOT_FOUND(4121, 404),
    INVALID_TRIGGER_PURPOSE(4122, 400),
    ILLEGAL_TRANSACTION_STATE_TRANSITION_ATTEMPTED(4123, 400),
    BLOCKING_SUBSCRIPTION_ALREADY_EXISTS(4124, 409),
    SPECIALIZATION_SCHEMA_NOT_FOUND(4125, 501),
    APP_RULE_VALIDATION_FAILED(4126, 403),
    OPERATION_DENIED_BY_REMOTE_ENTITY(4127, 403),
    SERVICE_SUBSCRIPTION_NOT_ESTABLISHED(4128, 403),
    INVALID_PROCESS_CONFIGURATION(4142, 400),
    INVALID_SPARQL_QUERY(4143, 400),
    INTERNAL_SERVER_ERROR(5000, 500),
    NOT_IMPLEMENTED(5001, 501),
    TARGET_NOT_REACHABLE(5103, 404),
    RECEIVER_HAS_NO_PRIVILEGE(5105, 403),
    ALREADY_EXISTS(5106, 409),
    REMOTE_ENTITY_NOT_REACHABLE(5107, 404),
    TARGET_NOT_SUBSCRIBABLE(5203, 403),
    SUBSCRIPTION_VERIFICATION_INITIATION_FAILED(5204, 500),
    SUBSCRIPTION_HOST_HAS_NO_PRIVILEGE(5205, 403),
    NON_BLOCKING_SYNCH_REQUEST_NOT_SUPPORTED(5206, 501),
    NOT_ACCEPTABLE(5207, 406),
    DISCOVERY_DENIED_BY_IPE(5208, 403),
    GROUP_MEMBERS_NOT_RESPONDED(5209, 500),
    ESPRIM_DECRYPTION_ERROR(5210, 500),
    ESPRIM_ENCRYPTION_ERROR(5211, 500),
    SPARQL_UPDATE_ERROR(5212, 500),
    TARGET_HAS_NO_SESSION_CAPABILITY(5214, 403),
    SESSION_IS_ONLINE(5215, 403),
    JOIN_MULTICAST_GROUP_FAILED(5216, 500),
    LEAVE_MULTICAST_GROUP_FAILED(5217, 500),
    TRIGGERING_DISABLED_FOR_RECIPIENT(5218, 403),
    UNABLE_TO_REPLACE_REQUEST(5219, 409),
    UNABLE_TO_RECALL_REQUEST(5220, 409),
    CROSS_RESOURCE_OPERATION_FAILURE(5221, 500),
    TRANSACTION_PROCESSING_IS_INCOMPLETE(5222, 403),
    EXTERNAL_OBJECT_NOT_REACHABLE(6003, 404),
    EXTERNAL_OBJECT_NOT_FOUND(6005, 404),
    MAX_NUMBER_OF_MEMBER_EXCEEDED(6010, 400),
    MGMT_SESSION_CANNOT_BE_ESTABLISHED(6020, 500),
    MGMT_SESSION_ESTABLISHMENT_TIMEOUT(6021, 500),
    INVALID_CMDTYPE(6022, 400),
    INVALID_ARGUMENTS(6023, 400),
    INSUFFICIENT_ARGUMENTS(6024, 400),
    MGMT_CONVERSION_ERROR(6025, 500),
    MGMT_CANCELLATION_FAILED(6026, 500),
    ALREADY_COMPLETE(6028, 409),
    MGMT_COMMAND_NOT_CANCELLABLE(6029, 409),
    EXTERNAL_OBJECT_NOT_REACHABLE_BEFORE_RQET_TIMEOUT(6030, 504),
    EXTERNAL_OBJECT_NOT_REACHABLE_BEFORE_OET_TIMEOUT(6031, 504);

    private static final Map<Integer, ResponseStatusCode> BY_CODE = new HashMap<>();

    static {
        for (ResponseStatusCode c : values()) {
            BY_CODE.put(c.code, c);
        }
    }

    private final int code;
    private final int httpStatus;

    ResponseStatusCode(int code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public static Optional<ResponseStatusCode> of(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    /** HTTP status for any rsc; unknown codes map by class (1xxx 202, 2xxx 200, 4xxx 400, 5xxx/6xxx 500). */
    public static int httpStatusOf(int rsc) {
        ResponseStatusCode known = BY_CODE.get(rsc);
        if (known != null) {
            return known.httpStatus;
        }
        return switch (rsc / 1000) {
            case 1 -> 202;
            case 2 -> 200;
            case 4 -> 400;
            default -> 500;
        };
    }

    /** Fallback when an HTTP response carries no X-M2M-RSC: derive the rsc from the HTTP class (TS-0009 REC). */
    public static int fromHttpStatus(int httpStatus) {
        return switch (httpStatus / 100) {
            case 2 -> httpStatus == 201 ? CREATED.code : httpStatus == 202 ? ACCEPTED.code : OK.code;
            case 4 -> httpStatus == 404 ? NOT_FOUND.code : httpStatus == 403 ? ORIGINATOR_HAS_NO_PRIVILEGE.code
                    : httpStatus == 415 ? UNSUPPORTED_MEDIA_TYPE.code : BAD_REQUEST.code;
            default -> httpStatus == 501 ? NOT_IMPLEMENTED.code : httpStatus == 504 ? REQUEST_TIMEOUT.code
                    : INTERNAL_SERVER_ERROR.code;
        };
    }

    public boolean isSuccess() {
        return code / 1000 == 2;
    }
}
