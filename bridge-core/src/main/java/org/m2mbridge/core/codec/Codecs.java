package org.m2mbridge.core.codec;

import java.util.EnumMap;
import java.util.Map;

/**
 * The codec for each serialization, all built with the same limits. Thread-safe; build once at start and share.
 */
public final class Codecs {
    private final Map<Serialization, PrimitiveCodec> bySerialization = new EnumMap<>(Serialization.class);
    private final CodecLimits limits;

    public Codecs(CodecLimits limits) {
        this.limits = limits;
        bySerialization.put(Serialization.JSON, new JsonCodec(limits));
        bySerialization.put(Serialization.CBOR, new CborCodec(limits));
        bySerialization.put(Serialization.XML, new XmlCodec(limits));
    }

    public PrimitiveCodec get(Serialization serialization) {
        return bySerialization.get(serialization);
    }

    public CodecLimits limits() {
        return limits;
    }
}
