package org.m2mbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.m2mbridge.core.primitive.ResourceType;

/**
 * One resource held by the {@link DemoCse} (TEST/DEMO peer, not a product feature). Immutable: a change replaces
 * the record in the {@link ResourceStore}; {@code attrs} is never handed out, only deep copies of it.
 *
 * @param ri    resourceID (unstructured, CSE-relative)
 * @param rn    resourceName
 * @param ty    resource type
 * @param pi    parent's ri ("" for the CSEBase, as ACME shows it)
 * @param path  structured CSE-relative address, {@code cse-in/ae/cnt}
 * @param attrs every attribute in short names, including rn, ri, pi and ty
 */
record DemoResource(String ri, String rn, int ty, String pi, String path, ObjectNode attrs) {

    /** {@code {"m2m:<short>": {...}}} (TS-0004 8.2: one root member named after the resource type). */
    JsonNode representation() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set(rootName(ty), attrs.deepCopy());
        return root;
    }

    ObjectNode attributesCopy() {
        return attrs.deepCopy();
    }

    DemoResource withAttributes(ObjectNode newAttrs) {
        return new DemoResource(ri, rn, ty, pi, path, newAttrs);
    }

    static String rootName(int ty) {
        return ResourceType.of(ty).map(ResourceType::rootName).orElse("m2m:ty" + ty);
    }
}
