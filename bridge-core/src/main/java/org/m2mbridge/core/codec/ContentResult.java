package org.m2mbridge.core.codec;

import com.fasterxml.jackson.databind.JsonNode;

/** Outcome of decoding a bare content ({@code pc}) body, as HTTP carries it (TS-0009 6.4). Never thrown. */
public sealed interface ContentResult {

    /** @param content the content tree; null for an empty body */
    record Decoded(JsonNode content) implements ContentResult {
    }

    record Failed(String reason, boolean tooLarge) implements ContentResult {
    }
}
