package org.m2mbridge.core.codec;

import java.util.Optional;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Outcome of decoding bytes into a primitive. Decoding never throws (Netty's DecoderResult idea): a failure is a
 * value that carries the {@code rqi} when one could be read, so the binding can answer 4000 BAD_REQUEST on the
 * same connection with it.
 */
public sealed interface DecodeResult {

    record Decoded(Primitive primitive) implements DecodeResult {
    }

    /**
     * @param status  the rsc to answer with (normally BAD_REQUEST; CONTENTS_UNACCEPTABLE or others where apt)
     * @param reason  human-readable, safe to put in {@code m2m:dbg} (no payload echo beyond a short excerpt)
     * @param rqi     the request identifier if it could be read, else empty
     * @param rvi     the release version if it could be read, else empty
     * @param tooLarge true when a configured size or depth limit was exceeded
     */
    record Failed(ResponseStatusCode status, String reason, Optional<String> rqi, Optional<String> rvi,
                  boolean tooLarge) implements DecodeResult {
        public static Failed badRequest(String reason, Optional<String> rqi, Optional<String> rvi) {
            return new Failed(ResponseStatusCode.BAD_REQUEST, reason, rqi, rvi, false);
        }

        /** The error response a binding sends back for this failure. */
        public ResponsePrimitive toResponse() {
            return ResponsePrimitive.error(rqi.orElse(null), rvi.orElse(null), null, status, reason)
                    .withFlag(ResponseFlag.BR);
        }
    }

    default boolean isSuccess() {
        return this instanceof Decoded;
    }

    default Optional<RequestPrimitive> request() {
        return this instanceof Decoded d && d.primitive() instanceof RequestPrimitive r ? Optional.of(r) : Optional.empty();
    }

    default Optional<ResponsePrimitive> response() {
        return this instanceof Decoded d && d.primitive() instanceof ResponsePrimitive r ? Optional.of(r) : Optional.empty();
    }
}
