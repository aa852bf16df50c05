package org.m2mbridge.core.status;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A read-only snapshot of one device connection for the status API and the per-subprotocol gauges: what an
 * operator needs to find "the AE that does not answer" without the bridge exposing its transport objects.
 *
 * @param id            the link id used in logs and the access log ({@code ws-17})
 * @param binding       binding name ({@code ws})
 * @param remoteAddress peer address as the socket sees it ({@code 10.0.0.7:53211}); behind a proxy, the proxy's
 * @param subprotocol   serialization token of the connection ({@code json}, {@code xml}, {@code cbor})
 * @param entities      AE-IDs / CSE-IDs bound to this connection now
 * @param since         when the connection opened
 * @param inflight      requests outstanding on it, both directions (device's requests up, the CSE's down)
 */
public record ConnectionView(String id, String binding, String remoteAddress, String subprotocol,
                             List<String> entities, Instant since, int inflight) {
    public ConnectionView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(binding, "binding");
        entities = entities == null ? List.of() : List.copyOf(entities);
    }
}
