package org.m2mbridge.core.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Canonicalises a freshly decoded content tree in place (lenient input, canonical output): known integer
 * attributes become numbers ({@code "ty":"3"}, {@code "ty":2.0} give 3 and 2), known booleans become booleans,
 * known lists become arrays. Every attribute is kept; {@code con} and unknown names are left exactly as received,
 * and so are known names whose value cannot be read as their kind (checking content is the CSE's job).
 * Only ever applied to trees the codec itself just built, so mutating them is safe.
 */
final class ContentNormaliser {
    private ContentNormaliser() {
    }

    /** Normalises {@code content} (the {@code pc} value) and returns it. */
    static JsonNode normalise(JsonNode content) {
        if (content instanceof ObjectNode o) {
            object(ShortNames.CONTENT, o);
        }
        return content;
    }

    private static void object(String parent, ObjectNode o) {
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            JsonNode canonical = value(ShortNames.kind(parent, name), v);
            if (canonical != v) {
                e.setValue(canonical);
            }
            descend(name, canonical);
        }
    }

    private static void descend(String name, JsonNode v) {
        if (v instanceof ObjectNode o) {
            object(name, o);
        } else if (v instanceof ArrayNode a) {
            for (JsonNode item : a) {
                if (item instanceof ObjectNode o) {
                    object(name, o);
                }
            }
        }
    }

    /** Canonical form of {@code v} for {@code kind}, or {@code v} itself when nothing changes. */
    static JsonNode value(ShortNames.Kind kind, JsonNode v) {
        if (kind == null || v == null || v.isNull()) {
            return v;
        }
        return switch (kind) {
            case INTEGER -> integer(v);
            case BOOLEAN -> {
                Boolean b = v.isTextual() ? Scalars.bool(v) : null;
                yield b == null ? v : BooleanNode.valueOf(b);
            }
            case STRING -> v;
            case STRING_LIST, OBJECT_LIST -> v.isArray() ? v : JsonNodeFactory.instance.arrayNode(1).add(v);
            case INTEGER_LIST -> {
                ArrayNode a = v.isArray() ? (ArrayNode) v : JsonNodeFactory.instance.arrayNode(1).add(v);
                for (int i = 0; i < a.size(); i++) {
                    a.set(i, integer(a.get(i)));
                }
                yield a;
            }
        };
    }

    private static JsonNode integer(JsonNode v) {
        if (v.isIntegralNumber() || !(v.isTextual() || v.isFloatingPointNumber())) {
            return v;
        }
        Long l = Scalars.integral(v);
        return l == null ? v : Scalars.number(l);
    }
}
