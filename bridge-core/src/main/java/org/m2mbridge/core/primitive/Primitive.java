package org.m2mbridge.core.primitive;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** A oneM2M request or response primitive (TS-0004 6.4). Immutable. */
public sealed interface Primitive permits RequestPrimitive, ResponsePrimitive {

    /** Request identifier ({@code rqi}); may be null only on a response from a sloppy peer. */
    String rqi();

    /** Content ({@code pc}) as a JSON tree in short names, or null. Never mutated after construction. */
    JsonNode pc();

    /** Release version indicator ({@code rvi}), a string ("3", "2a"), or null (receiver assumes "1"). */
    String rvi();

    /** Parameters this bridge does not know, kept in arrival order so they reach the next hop unchanged. */
    Map<String, JsonNode> extra();
}
