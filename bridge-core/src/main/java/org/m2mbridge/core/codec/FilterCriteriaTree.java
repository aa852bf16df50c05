package org.m2mbridge.core.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.m2mbridge.core.primitive.FilterCriteria;

/**
 * {@code fc} (m2m:filterCriteria, TS-0004 6.3.5.8) between a JSON tree and {@link FilterCriteria}: every member
 * typed per {@link FilterCriteria.Member#kind()}, integer lists canonicalised to arrays even when a single
 * number was sent; unknown members kept as received. A member that cannot be read as its kind is a 4000.
 */
final class FilterCriteriaTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FilterCriteriaTree() {
    }

    static FilterCriteria read(JsonNode fc) throws DecodeFailure {
        if (!fc.isObject()) {
            throw new DecodeFailure("fc is not an object");
        }
        Map<String, JsonNode> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : fc.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            FilterCriteria.Member m = FilterCriteria.Member.of(name).orElse(null);
            members.put(name, m == null || v.isNull() ? v : member(m, v));
        }
        return new FilterCriteria(members);
    }

    private static JsonNode member(FilterCriteria.Member m, JsonNode v) throws DecodeFailure {
        String where = "fc." + m.shortName();
        return switch (m.kind()) {
            case INTEGER -> Scalars.number(PrimitiveTree.integral(where, v));
            case INTEGER_LIST -> {
                ArrayNode a = NODES.arrayNode();
                for (JsonNode item : v.isArray() ? v : NODES.arrayNode().add(v)) {
                    a.add(Scalars.number(PrimitiveTree.integral(where, item)));
                }
                yield a;
            }
            case STRING_LIST -> {
                ArrayNode a = NODES.arrayNode();
                for (String s : PrimitiveTree.strings(where, v)) {
                    a.add(s);
                }
                yield a;
            }
            case TIMESTAMP, STRING -> TextNode.valueOf(PrimitiveTree.string(where, v));
            case BOOLEAN -> BooleanNode.valueOf(PrimitiveTree.bool(where, v));
            case ATTRIBUTE_LIST -> {
                ArrayNode a = v.isArray() ? (ArrayNode) v : NODES.arrayNode().add(v);
                for (JsonNode item : a) {
                    if (!item.isObject()) {
                        throw new DecodeFailure(where + " entries must be objects");
                    }
                }
                yield a;
            }
            case OBJECT -> v;
        };
    }

    static ObjectNode write(FilterCriteria fc) {
        ObjectNode o = NODES.objectNode();
        o.setAll(fc.members());
        return o;
    }
}
