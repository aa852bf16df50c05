package org.m2mbridge.core.bus;

import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * A request the bus answers itself instead of forwarding it (an expired {@code rqet}, no route, an unknown or
 * unreachable target, a full store): counted by reason, logged through {@link LocalAnswers}, and flagged for the
 * access line (docs/operations.md "Access log").
 */
final class Refusal {

    private Refusal() {
    }

    static CompletableFuture<ResponsePrimitive> refuse(BridgeMetrics metrics, RequestPrimitive request,
                                                       ResponseStatusCode code, RejectReason reason, String text) {
        metrics.rejected(reason);
        LocalAnswers.answered(code.code(), request.rqi(), request.fr(), reason.label() + ": " + text);
        return CompletableFuture.completedFuture(ResponsePrimitive.error(request, code, text, flagOf(reason)));
    }

    /** The access line's flag for a request the bus refused (docs/operations.md "Access log"). */
    static ResponseFlag flagOf(RejectReason reason) {
        return switch (reason) {
            case EXPIRED -> ResponseFlag.EX;
            case NO_ROUTE, UNKNOWN_TARGET -> ResponseFlag.NR;
            case NOT_CONNECTED -> ResponseFlag.DO;
            case STORE_FULL -> ResponseFlag.UO;
            case BAD_REQUEST -> ResponseFlag.BR;
            case IDENTITY, NOT_REGISTERED -> ResponseFlag.GR;
        };
    }
}
