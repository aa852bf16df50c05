package org.m2mbridge.core.bus;

import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * Rewrites a response coming back from an upstream before it goes downstream, e.g. the WebSocket binding putting
 * its own {@code ws://} points of access into a {@code <CSEBase>} (TS-0020 7.2.1). Must be cheap and non-blocking.
 */
@FunctionalInterface
public interface ResponseFilter {
    /** {@code ingress}: where the request came in, so a filter that only one binding needs can leave others alone. */
    ResponsePrimitive apply(RequestPrimitive request, Ingress ingress, ResponsePrimitive response);
}
