package org.m2mbridge.ws;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.m2mbridge.core.codec.Serialization;

/**
 * Picks the subprotocol of a connection from what the client offered (TS-0020 7.2.2.9, 7.2.3.5; docs/spec/websocket.md
 * WS-HS-2..6):
 * all {@code Sec-WebSocket-Protocol} header instances merged (RFC 6455 11.3.4 allows repeats in requests), comma
 * lists split, walked in the client's order of preference, matched case-insensitively against the enabled
 * serializations' names (both the R2 and the R3 family, from {@link Serialization}). The chosen name keeps the
 * client's exact spelling because clients compare the echo byte for byte (Thyme sends {@code onem2m.r2.0.json}).
 */
final class SubprotocolSelection {

    /** The name to echo, exactly as offered, and the serialization it fixes for the whole connection. */
    record Choice(String offered, Serialization serialization) {
    }

    private final Set<Serialization> enabled;

    SubprotocolSelection(Set<Serialization> enabled) {
        this.enabled = enabled.isEmpty() ? EnumSet.noneOf(Serialization.class) : EnumSet.copyOf(enabled);
    }

    /** {@code headerValues}: every instance of the header, in order; empty when none matches. */
    Optional<Choice> choose(List<String> headerValues) {
        for (String header : headerValues) {
            for (String name : header.split(",")) {
                String offered = name.trim();
                Optional<Serialization> s = Serialization.fromSubprotocol(offered).filter(enabled::contains);
                if (s.isPresent()) {
                    return Optional.of(new Choice(offered, s.get()));
                }
            }
        }
        return Optional.empty();
    }

    /** Canonical spellings of every enabled name (for Undertow's own handshake bookkeeping). */
    Set<String> names() {
        Set<String> names = new java.util.LinkedHashSet<>();
        enabled.forEach(s -> names.addAll(s.webSocketSubprotocols()));
        return names;
    }
}
