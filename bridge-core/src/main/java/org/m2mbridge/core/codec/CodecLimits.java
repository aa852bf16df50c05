package org.m2mbridge.core.codec;

/**
 * Limits given to a codec at construction (Netty style): bigger or deeper input is a decode failure, never an
 * OutOfMemoryError or a stack overflow.
 *
 * @param maxBytes maximum encoded size of one primitive or body
 * @param maxDepth maximum nesting depth of objects/arrays (JSON, CBOR) or elements (XML)
 */
public record CodecLimits(int maxBytes, int maxDepth) {
    public static final CodecLimits DEFAULT = new CodecLimits(1024 * 1024, 64);

    public CodecLimits {
        if (maxBytes <= 0 || maxDepth <= 0) {
            throw new IllegalArgumentException("codec limits must be positive: " + maxBytes + ", " + maxDepth);
        }
    }
}
