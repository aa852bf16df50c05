package org.m2mbridge.core.codec;

import com.fasterxml.jackson.databind.JsonNode;
import org.m2mbridge.core.primitive.Primitive;

/**
 * Pure bytes-to-primitive translation for one serialization (TS-0004 8.3-8.5). Implementations are thread-safe
 * and stateless apart from the limits given at construction. Decoding never throws; encoding a primitive built
 * through the model cannot fail.
 */
public interface PrimitiveCodec {

    Serialization serialization();

    /**
     * A whole request or response primitive, as WebSocket (TS-0020) and MQTT (TS-0010) carry it. A request is
     * recognised by {@code op}, a response by {@code rsc}; a {@code m2m:rqp}/{@code m2m:rsp} wrapper is accepted.
     */
    DecodeResult decode(byte[] bytes);

    byte[] encode(Primitive primitive);

    /** A bare content body ({@code {"m2m:cnt":{...}}}), as HTTP carries it (TS-0009 6.4). Empty input = no content. */
    ContentResult decodeContent(byte[] bytes);

    byte[] encodeContent(JsonNode content);
}
