package org.m2mbridge.core.codec;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/**
 * CBOR serialization (TS-0004 8.5): the JSON data model in CBOR, keys as text strings (major type 3). Thread-safe.
 */
public final class CborCodec extends TreeCodec {

    public CborCodec(CodecLimits limits) {
        super(strictMapper(CBORFactory.builder(), CBORMapper::builder, limits), limits, RequestIdScan.Format.CBOR, "CBOR");
    }

    @Override
    public Serialization serialization() {
        return Serialization.CBOR;
    }
}
