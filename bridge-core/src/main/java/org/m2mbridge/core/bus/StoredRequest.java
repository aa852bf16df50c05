package org.m2mbridge.core.bus;

import java.time.Instant;
import org.m2mbridge.core.primitive.RequestPrimitive;

/**
 * A request held for an entity that is not connected.
 *
 * @param id          store-wide identifier, increasing in arrival order
 * @param entityId    the registered entity (AE-ID or CSE-ID) it is for
 * @param request     the request exactly as it arrived (rqi, fr, to, ec, rqet ... kept)
 * @param expiresAt   never delivered at or after this instant (its rqet, or the store's default lifetime)
 * @param bytes       size it is accounted with against the store's byte bounds (its JSON serialization)
 * @param incarnation the registration of {@code entityId} it was stored for ({@code Registration.incarnation()});
 *                    never delivered to another one
 * @param attempts    how many times it was sent to the entity without an answer (the connection closed first)
 */
public record StoredRequest(long id, String entityId, RequestPrimitive request, Instant expiresAt, int bytes,
                            long incarnation, int attempts) {

    public boolean isExpired(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
