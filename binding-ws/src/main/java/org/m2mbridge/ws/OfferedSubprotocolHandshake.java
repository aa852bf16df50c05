package org.m2mbridge.ws;

import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import java.util.Set;

/**
 * RFC 6455 version 13 handshake that echoes the subprotocol {@link HandshakeGate} already chose. Undertow would
 * match case-sensitively and upgrade even without a match (docs/libraries.md UT-2); the gate leaves exactly one name,
 * spelled as the client sent it, in the request's {@code Sec-WebSocket-Protocol} header.
 */
final class OfferedSubprotocolHandshake extends Hybi13Handshake {

    OfferedSubprotocolHandshake(Set<String> subprotocols, boolean allowExtensions) {
        super(subprotocols, allowExtensions);
    }

    @Override
    protected String supportedSubprotols(String[] requested) {
        return requested.length == 0 ? null : requested[0].trim();
    }
}
