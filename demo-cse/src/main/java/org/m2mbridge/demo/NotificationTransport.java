package org.m2mbridge.demo;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * How the {@link DemoCse} sends a NOTIFY (op 5) to one point of access (TEST/DEMO peer, not a product feature).
 * One implementation per URI scheme: HTTP (TS-0009 8) in {@link HttpNotificationTransport}, MQTT (TS-0010 6.4) in
 * {@link DemoCseMqttClient}; tests plug in their own. Implementations must not block the caller; the CSE bounds
 * every returned future with its notification timeout.
 */
@FunctionalInterface
public interface NotificationTransport {

    /**
     * @param pointOfAccess the target URL: an AE's {@code poa} entry or a URL given directly in {@code nu}
     * @param notify        the NOTIFY request primitive ({@code to} = the AE-ID or the URL, {@code fr} = the CSE-ID)
     * @return the receiver's response; completes exceptionally when it cannot be delivered
     */
    CompletableFuture<ResponsePrimitive> send(URI pointOfAccess, RequestPrimitive notify);
}
