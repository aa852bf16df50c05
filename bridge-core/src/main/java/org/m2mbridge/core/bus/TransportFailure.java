package org.m2mbridge.core.bus;

import org.m2mbridge.core.metrics.UpstreamErrorKind;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Why no answer came from the next hop, in oneM2M terms: the one table of transport failure to response status
 * code and upstream error kind, for every link (HTTP upstream and HTTP devices, MQTT upstream and MQTT devices,
 * WebSocket client; docs/reliability.md, "Deadline outcomes"). Each binding sorts its client library's failures
 * into these with a {@link FailureTable}; whatever the library reports once the request's deadline has passed is
 * {@link #TIMEOUT} ({@link #seenAt}): a request that ran out of time gets 4008 REQUEST_TIMEOUT (TS-0004 6.6.3),
 * never a 5000 because a pool, a socket or a client library noticed the deadline first.
 */
public enum TransportFailure {
    /** The deadline passed before an answer: waiting for a pooled connection, connecting, sending or waiting. */
    TIMEOUT(ResponseStatusCode.REQUEST_TIMEOUT, UpstreamErrorKind.TIMEOUT, ResponseFlag.UT,
            "no answer from %s before the request deadline"),
    /** The next hop cannot be reached: refused, unknown host, no route, TLS handshake failed, not connected. */
    CONNECT(ResponseStatusCode.TARGET_NOT_REACHABLE, UpstreamErrorKind.CONNECT, ResponseFlag.UF, "cannot connect to %s"),
    /** The connection closed or was reset before the answer, or the request could not be handed to it. */
    CLOSED(ResponseStatusCode.TARGET_NOT_REACHABLE, UpstreamErrorKind.CLOSED, ResponseFlag.UC,
            "connection to %s closed before the answer"),
    /** The answer is larger than {@code limits.maxMessageBytes}. */
    TOO_LARGE(ResponseStatusCode.INTERNAL_SERVER_ERROR, UpstreamErrorKind.PROTOCOL, ResponseFlag.PE,
            "answer from %s is too large"),
    /** Anything else: a malformed answer, a protocol violation, a failure no table knows. */
    PROTOCOL(ResponseStatusCode.INTERNAL_SERVER_ERROR, UpstreamErrorKind.PROTOCOL, ResponseFlag.PE,
            "protocol error talking to %s");

    private final ResponseStatusCode rsc;
    private final UpstreamErrorKind errorKind;
    private final ResponseFlag flag;
    private final String text;

    TransportFailure(ResponseStatusCode rsc, UpstreamErrorKind errorKind, ResponseFlag flag, String text) {
        this.rsc = rsc;
        this.errorKind = errorKind;
        this.flag = flag;
        this.text = text;
    }

    /** The response status code the originator gets. */
    public ResponseStatusCode rsc() {
        return rsc;
    }

    /** The {@code kind} label of {@code m2mbridge_upstream_errors_total}. */
    public UpstreamErrorKind errorKind() {
        return errorKind;
    }

    /** The access line's flag for an answer the bridge gives because of this failure. */
    public ResponseFlag flag() {
        return flag;
    }

    /** True for the failures that say the next hop is not reachable (5103). */
    public boolean unreachable() {
        return rsc == ResponseStatusCode.TARGET_NOT_REACHABLE;
    }

    /**
     * This failure as observed when {@code deadlinePassed}: once the request's time is up, the failure is a timeout
     * whatever the library calls it (a pool lease, a connect or a read cut at the deadline).
     */
    public TransportFailure seenAt(boolean deadlinePassed) {
        return deadlinePassed ? TIMEOUT : this;
    }

    /** The debug text for {@code peer} (as "upstream in-cse" or "'Cae1'"); never carries a URL. */
    public String describe(String peer) {
        return text.formatted(peer);
    }

    /** The error response to {@code request}, with {@link #describe}{@code (peer)} plus {@code detail} if any. */
    public ResponsePrimitive answer(RequestPrimitive request, String peer, String detail) {
        String text = debugText(peer, detail);
        LocalAnswers.answered(rsc.code(), request.rqi(), request.fr(), text);
        return ResponsePrimitive.error(request, rsc, text, flag);
    }

    /** As {@link #answer(RequestPrimitive, String, String)} when only the request's wire identifiers are at hand. */
    public ResponsePrimitive answer(String rqi, String rvi, String to, String peer, String detail) {
        String text = debugText(peer, detail);
        LocalAnswers.answered(rsc.code(), rqi, null, text);
        return ResponsePrimitive.error(rqi, rvi, to, rsc, text).withFlag(flag);
    }

    private String debugText(String peer, String detail) {
        return detail == null || detail.isEmpty() ? describe(peer) : describe(peer) + ": " + detail;
    }
}
